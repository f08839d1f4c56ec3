/* The search page (docs/search.md): loads the static index that site_builder/search_index.py
 * writes (a manifest, then only the term shards, topic lists and document chunks a query
 * needs) and shows the results.
 *
 * Nothing from the index is inserted as HTML: titles, topics and excerpts go in as text nodes
 * (matched words in <mark> elements made here).
 */
(function () {
  "use strict";

  var root = document.getElementById("search");
  if (!root) return;
  var form = root.querySelector("form");
  var input = document.getElementById("search-input");
  var topic = document.getElementById("search-topic"); // absent when the site has no topics
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 180;
  var EXCERPT_WORDS = 40;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  var loading = null; // the promise loading the manifest (retried if it failed)
  var current = 0; // number of the latest search: older answers arriving late are dropped
  var pending = []; // doc numbers of the latest search not shown yet ("Show more")
  var shown = { manifest: null, words: [] }; // what the pending docs belong to
  var timer = 0;

  root.hidden = false;
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  if (topic) topic.value = params.get("topic") || "";
  if (topic && topic.selectedIndex < 0) topic.value = "";
  input.focus();

  if (root.getAttribute("data-papers") === "0") {
    status.textContent = "There are no papers to search yet.";
    return;
  }

  var indexBase = root.getAttribute("data-index");
  var version = ""; // the manifest's digest, appended to every fetch: no stale shard mixes in
  var cache = {}; // url -> promise of parsed JSON

  function fetchJson(path) {
    var url = indexBase + path + (version ? "?v=" + version : "");
    if (!cache[url]) {
      cache[url] = fetch(url, version ? {} : { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error("search index: " + r.status + " for " + url);
        return r.json();
      });
      cache[url].catch(function () {
        delete cache[url];
      });
    }
    return cache[url];
  }

  function load() {
    if (!loading) {
      loading = fetchJson("manifest.json")
        .then(function (manifest) {
          version = String(manifest.digest || "").slice(0, 16);
          return manifest;
        })
        .catch(function (err) {
          loading = null; // let the next search try again
          throw err;
        });
    }
    return loading;
  }

  /* The indexer's tokeniser (site_builder/search_index.py: words). */
  function words(text) {
    var bare = String(text || "")
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase();
    return bare.match(/[\p{L}\p{N}]+/gu) || [];
  }

  function hex(key) {
    return Array.prototype.map
      .call(new TextEncoder().encode(key), function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
  }

  /* Shards that can hold terms starting with `word` (or equal to it when !prefix). */
  function shardsFor(manifest, word, prefix) {
    var keys = manifest.shards;
    var chosen = [];
    var longest = "";
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i];
      if (word.indexOf(key) === 0 && key.length > longest.length) longest = key;
      else if (prefix && key.length > word.length && key.indexOf(word) === 0) chosen.push(key);
    }
    if (longest) chosen.push(longest);
    return chosen;
  }

  /* doc number -> field mask, for one query word. */
  function lookup(manifest, word, prefix) {
    return Promise.all(
      shardsFor(manifest, word, prefix).map(function (key) {
        return fetchJson("terms/" + hex(key) + ".json");
      })
    ).then(function (shards) {
      var found = new Map();
      shards.forEach(function (shard) {
        Object.keys(shard).forEach(function (term) {
          if (term === word || (prefix && term.indexOf(word) === 0)) {
            var doc = 0;
            shard[term].forEach(function (code) {
              doc += Math.floor(code / 8);
              found.set(doc, (found.get(doc) || 0) | code % 8);
            });
          }
        });
      });
      return found;
    });
  }

  function topicDocs(manifest, name) {
    var n = manifest.topics.indexOf(name);
    if (n < 0) return Promise.resolve(new Set());
    return fetchJson("topics/" + n + ".json").then(function (gaps) {
      var docs = new Set();
      var doc = 0;
      gaps.forEach(function (gap) {
        doc += gap;
        docs.add(doc);
      });
      return docs;
    });
  }

  var WEIGHT = [0, 1, 3, 4, 6, 7, 9, 10]; // by field mask: title 6, authors 3, abstract 1

  /* Every query word must match (the last one also as a prefix, for typing); best first. */
  function search_(manifest, term, chosen) {
    var qs = words(term);
    var lookups = qs.map(function (word, i) {
      return lookup(manifest, word, i === qs.length - 1 && word.length >= 2);
    });
    var filter = chosen ? topicDocs(manifest, chosen) : Promise.resolve(null);
    return Promise.all([Promise.all(lookups), filter]).then(function (both) {
      var maps = both[0];
      var allowed = both[1];
      var scored = [];
      if (!maps.length) {
        if (allowed) allowed.forEach(function (doc) { scored.push([doc, 0]); });
      } else {
        maps[0].forEach(function (mask, doc) {
          if (allowed && !allowed.has(doc)) return;
          var score = 0;
          for (var i = 0; i < maps.length; i++) {
            var m = maps[i].get(doc);
            if (m === undefined) return;
            score += WEIGHT[m];
          }
          scored.push([doc, score]);
        });
      }
      scored.sort(function (a, b) {
        return b[1] - a[1] || a[0] - b[0];
      });
      return { manifest: manifest, docs: scored.map(function (s) { return s[0]; }), words: qs };
    });
  }

  function documentOf(manifest, doc) {
    var per = manifest.docs_per_chunk;
    return fetchJson("docs/" + Math.floor(doc / per) + ".json").then(function (chunk) {
      var d = chunk[doc % per];
      return {
        url: d[0],
        title: d[1],
        date: d[2],
        authors: d[3],
        topics: d[4].map(function (n) { return manifest.topics[n]; }),
        abstract: d[5],
      };
    });
  }

  function formatDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return parts ? Number(parts[3]) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1] : "";
  }

  /* Up to EXCERPT_WORDS words of the abstract from a little before its first match, the
   * matching words in <mark>. Built from text nodes: nothing is parsed as HTML. */
  function appendExcerpt(node, abstract, qs) {
    var parts = String(abstract || "").split(/(\s+)/);
    var last = qs.length - 1;
    function hit(part) {
      var ws = words(part);
      return ws.some(function (w) {
        return qs.some(function (q, i) {
          return w === q || (i === last && q.length >= 2 && w.indexOf(q) === 0);
        });
      });
    }
    var first = -1;
    for (var i = 0; i < parts.length && first < 0; i += 2) if (hit(parts[i])) first = i;
    var from = Math.max(0, first - 10); // five words (and their spaces) of lead-in
    var to = Math.min(parts.length, from + EXCERPT_WORDS * 2);
    if (from > 0) node.appendChild(document.createTextNode("… "));
    for (var j = from; j < to; j++) {
      if (j % 2 === 0 && parts[j] && hit(parts[j])) {
        var mark = document.createElement("mark");
        mark.textContent = parts[j];
        node.appendChild(mark);
      } else if (parts[j]) {
        node.appendChild(document.createTextNode(parts[j]));
      }
    }
    if (to < parts.length) node.appendChild(document.createTextNode(" …"));
  }

  /* Only http(s) links or paths of this site; anything else becomes inert. */
  function safeHref(raw) {
    try {
      var url = new URL(raw, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : "#";
    } catch (err) {
      return "#";
    }
  }

  function resultItem(data, qs) {
    var li = document.createElement("li");
    var card = document.createElement("article");
    card.className = "card result";
    var heading = document.createElement("h2");
    heading.className = "card-title";
    var link = document.createElement("a");
    link.href = safeHref(data.url);
    link.textContent = data.title || data.url;
    heading.appendChild(link);
    card.appendChild(heading);

    var line = document.createElement("p");
    line.className = "meta";
    var date = formatDate(data.date);
    if (date) {
      var time = document.createElement("time");
      time.dateTime = data.date;
      time.textContent = date;
      line.appendChild(time);
    }
    var topics = data.topics || [];
    if (topics.length) {
      var names = document.createElement("span");
      names.className = "result-topics";
      names.textContent = (date ? " · " : "") + topics.join(", ");
      line.appendChild(names);
    }
    card.appendChild(line);

    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    appendExcerpt(excerpt, data.abstract, qs);
    card.appendChild(excerpt);
    li.appendChild(card);
    return li;
  }

  function quoted(term) {
    return "“" + term + "”";
  }

  function describe(count, term, chosen) {
    var what = count === 0 ? "No papers" : count === 1 ? "1 paper" : count + " papers";
    var verb = count === 1 ? " matches " : " match ";
    var text = term ? what + verb + quoted(term) : what;
    if (chosen) text += (term ? " in " : " in the topic ") + chosen;
    if (count === 0 && term && chosen) text += ". Try All topics, or fewer words";
    return text + ".";
  }

  /* Show the next PAGE_SIZE results of the latest search. Returns the first new link. */
  function showMore(search) {
    var batch = pending.splice(0, PAGE_SIZE);
    return Promise.all(
      batch.map(function (doc) {
        return documentOf(shown.manifest, doc);
      })
    ).then(function (datas) {
      if (search !== current) return null;
      var first = null;
      datas.forEach(function (data) {
        var item = resultItem(data, shown.words);
        if (!first) first = item.querySelector("a");
        list.appendChild(item);
      });
      more.hidden = pending.length === 0;
      return first;
    });
  }

  function keepInUrl(term, chosen) {
    var query = new URLSearchParams();
    if (term) query.set("q", term);
    if (chosen) query.set("topic", chosen);
    var search = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function run() {
    window.clearTimeout(timer);
    var search = ++current;
    var term = input.value.trim();
    var chosen = topic ? topic.value : "";
    keepInUrl(term, chosen);
    if (!term && !chosen) {
      pending = [];
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      return Promise.resolve();
    }
    root.setAttribute("aria-busy", "true");
    return load()
      .then(function (manifest) {
        // No words and a topic: every paper of the topic, newest first.
        return search_(manifest, term, chosen);
      })
      .then(function (response) {
        if (search !== current || !response) return;
        pending = response.docs.slice();
        shown = response;
        list.replaceChildren();
        status.textContent = describe(response.docs.length, term, chosen);
        return showMore(search);
      })
      .catch(function (err) {
        if (search !== current) return;
        list.replaceChildren();
        more.hidden = true;
        status.textContent =
          "Search is not available right now: its index could not be loaded. Try reloading the page.";
        if (window.console) window.console.error(err);
      })
      .then(function () {
        if (search === current) root.removeAttribute("aria-busy");
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, DEBOUNCE_MS);
  }

  /* ---- Keyboard: ↓ from the box into the results, ↑/↓ between them, Esc back ---------- */

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll(".card-title a"));
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      var all = links();
      if (all.length) {
        event.preventDefault();
        all[0].focus();
      }
    }
  });

  root.addEventListener("keydown", function (event) {
    var target = event.target;
    var all = links();
    var at = all.indexOf(target);
    if (at < 0 && target !== more) return;
    if (target === more) at = all.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (at + 1 < all.length) all[at + 1].focus();
      else if (!more.hidden) more.focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (at > 0) all[at - 1].focus();
      else input.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      input.focus();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault(); // search in place; the form's GET only matters without JS
    run();
  });
  input.addEventListener("input", later);
  if (topic) topic.addEventListener("change", run);
  more.addEventListener("click", function () {
    showMore(current).then(function (first) {
      if (first) first.focus();
    });
  });
  // Start loading the index while the reader types the first word.
  input.addEventListener("focus", function () {
    load().catch(function () {});
  });

  if (input.value.trim() || (topic && topic.value)) run();
  else load().catch(function () {});
})();
