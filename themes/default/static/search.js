/* The search page (docs/search.md): a small UI over Pagefind's JavaScript API.
 *
 * Nothing from the index is inserted as HTML: titles and topics go in with textContent, and
 * excerpts (which Pagefind returns as text with <mark> around the matched words) are split on
 * those marks and rebuilt as text nodes and <mark> elements.
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
  var EXCERPT_WORDS = 40; // Pagefind's default is 30; the title words are dropped from it
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  var loading = null; // the promise loading Pagefind (retried if it failed)
  var current = 0; // number of the latest search: older answers arriving late are dropped
  var pending = []; // results of the latest search not shown yet ("Show more")
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

  function load() {
    if (!loading) {
      // The bundle lives under the site's base path; result URLs get the same base.
      var options = { baseUrl: root.getAttribute("data-base"), excerptLength: EXCERPT_WORDS };
      loading = import(root.getAttribute("data-bundle"))
        .then(function (module) {
          return module.options(options).then(function () {
            return module;
          });
        })
        .catch(function (err) {
          loading = null; // let the next search try again
          throw err;
        });
    }
    return loading;
  }

  function formatDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return parts ? Number(parts[3]) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1] : "";
  }

  function bare(word) {
    return word.replace(/<\/?mark>/g, "").replace(/[.,:;]+$/, "").toLowerCase();
  }

  /* The indexed text starts with the title, which the result already shows above the
   * excerpt. When the excerpt starts in the title (with its first word or a later one), drop
   * the title's words: the text then begins with the authors or the abstract. Pagefind ends
   * the heading's text with a full stop, which tells the title's end from a chance match. */
  function withoutTitle(excerpt, title) {
    var words = excerpt.split(" ");
    var heading = String(title || "").split(/\s+/).filter(Boolean);
    for (var from = 0; from < heading.length; from++) {
      var count = heading.length - from;
      if (words.length <= count) continue;
      var same = true;
      for (var i = 0; i < count && same; i++) {
        same = bare(words[i]) === bare(heading[from + i]);
      }
      if (same && /[.?!]$/.test(words[count - 1].replace(/<\/?mark>/g, ""))) {
        return words.slice(count).join(" ");
      }
    }
    return excerpt;
  }

  /* Pagefind escapes < and > in page text and wraps matches in <mark>…</mark>. */
  function appendExcerpt(node, excerpt) {
    String(excerpt || "")
      .split(/<mark>|<\/mark>/)
      .forEach(function (part, i) {
        var textPart = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
        if (!textPart) return;
        if (i % 2 === 1) {
          var mark = document.createElement("mark");
          mark.textContent = textPart;
          node.appendChild(mark);
        } else {
          node.appendChild(document.createTextNode(textPart));
        }
      });
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

  function resultItem(data) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    var card = document.createElement("article");
    card.className = "card result";
    var heading = document.createElement("h2");
    heading.className = "card-title";
    var link = document.createElement("a");
    link.href = safeHref(data.url);
    link.textContent = meta.title || data.url;
    heading.appendChild(link);
    card.appendChild(heading);

    var line = document.createElement("p");
    line.className = "meta";
    var date = formatDate(meta.date);
    if (date) {
      var time = document.createElement("time");
      time.dateTime = meta.date;
      time.textContent = date;
      line.appendChild(time);
    }
    var topics = (data.filters && data.filters.topic) || [];
    if (topics.length) {
      var names = document.createElement("span");
      names.className = "result-topics";
      names.textContent = (date ? " · " : "") + topics.join(", ");
      line.appendChild(names);
    }
    card.appendChild(line);

    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    appendExcerpt(excerpt, withoutTitle(String(data.excerpt || ""), meta.title));
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
      batch.map(function (result) {
        return result.data();
      })
    ).then(function (datas) {
      if (search !== current) return null;
      var first = null;
      datas.forEach(function (data) {
        var item = resultItem(data);
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
    var options = chosen ? { filters: { topic: chosen } } : {};
    return load()
      .then(function (pf) {
        // A null term with a filter lists every paper of the topic.
        return pf.search(term || null, options);
      })
      .then(function (response) {
        if (search !== current || !response) return;
        pending = response.results.slice();
        list.replaceChildren();
        status.textContent = describe(response.results.length, term, chosen);
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
