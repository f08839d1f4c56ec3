/* Saved list (docs/search.md): "Save" toggles on papers and the Saved page, kept in this
 * browser's localStorage. No server, no account.
 *
 * Everything read back from storage is treated as untrusted: every github.io project site of
 * one user shares an origin, hence one localStorage, so another site could write our key.
 * Titles go in with textContent only, and links must point into this site.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = (script && script.getAttribute("data-base")) || "/";
  // One list per site: sites published under different paths of one origin keep their own.
  var KEY = "site-builder:saved:" + base;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /* localStorage can be missing, throw on access (blocked site data) or refuse writes
   * (private mode, full quota): null means "cannot keep a list here". */
  function openStorage() {
    try {
      var store = window.localStorage;
      var probe = KEY + ":probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (err) {
      return null;
    }
  }
  var store = openStorage();

  function text(value, limit) {
    return typeof value === "string" ? value.slice(0, limit) : "";
  }

  /* A link into this site, or null: no javascript: URLs, no other origins. */
  function siteUrl(value) {
    if (typeof value !== "string") return null;
    try {
      var url = new URL(value, window.location.href);
      if (url.origin !== window.location.origin || url.pathname.indexOf(base) !== 0) return null;
      return url.pathname + url.search + url.hash;
    } catch (err) {
      return null;
    }
  }

  function clean(item) {
    if (!item || typeof item !== "object") return null;
    var slug = text(item.slug, 300);
    var url = siteUrl(item.url);
    if (!slug || !url) return null;
    return {
      slug: slug,
      url: url,
      title: text(item.title, 1000) || slug,
      date: /^\d{4}-\d{2}-\d{2}$/.test(item.date) ? item.date : "",
      saved: typeof item.saved === "number" ? item.saved : 0,
    };
  }

  function readList() {
    if (!store) return [];
    try {
      var data = JSON.parse(store.getItem(KEY) || "null");
      var items = data && Array.isArray(data.items) ? data.items : [];
      var seen = {};
      return items.map(clean).filter(function (item) {
        if (!item || seen[item.slug]) return false;
        seen[item.slug] = true;
        return true;
      });
    } catch (err) {
      return []; // unreadable or not ours: start afresh rather than fail
    }
  }

  function writeList(items) {
    try {
      store.setItem(KEY, JSON.stringify({ version: 1, items: items }));
      return true;
    } catch (err) {
      return false;
    }
  }

  function isSaved(items, slug) {
    return items.some(function (item) {
      return item.slug === slug;
    });
  }

  function formatDate(iso) {
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  /* ---- Save toggles ------------------------------------------------------------------- */

  var buttons = Array.prototype.slice.call(document.querySelectorAll("button.save-toggle"));

  function refreshButtons() {
    var items = readList();
    buttons.forEach(function (button) {
      var saved = isSaved(items, button.getAttribute("data-save-slug"));
      button.setAttribute("aria-pressed", saved ? "true" : "false");
    });
  }

  function toggle(event) {
    var button = event.currentTarget;
    var slug = button.getAttribute("data-save-slug");
    var items = readList();
    if (isSaved(items, slug)) {
      items = items.filter(function (item) {
        return item.slug !== slug;
      });
    } else {
      var item = clean({
        slug: slug,
        url: button.getAttribute("data-save-url"),
        title: button.getAttribute("data-save-title"),
        date: button.getAttribute("data-save-date"),
        saved: Date.now(),
      });
      if (!item) return;
      items.unshift(item); // newest first on the Saved page
    }
    writeList(items); // if the write fails, the refresh below shows the unchanged state
    refreshButtons();
  }

  if (store) {
    refreshButtons();
    buttons.forEach(function (button) {
      button.addEventListener("click", toggle);
      button.hidden = false;
    });
  }

  /* ---- The Saved page ----------------------------------------------------------------- */

  var page = document.getElementById("saved");
  var list = document.getElementById("saved-list");
  var status = document.getElementById("saved-status");
  var empty = document.getElementById("saved-empty");
  var heading = document.getElementById("saved-heading");

  function countText(n) {
    return n + (n === 1 ? " saved paper" : " saved papers");
  }

  function entry(item) {
    var li = document.createElement("li");
    var card = document.createElement("article");
    card.className = "card";
    var body = document.createElement("div");
    var title = document.createElement("h2");
    title.className = "card-title";
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    title.appendChild(link);
    body.appendChild(title);
    if (item.date) {
      var meta = document.createElement("p");
      meta.className = "meta";
      var time = document.createElement("time");
      time.dateTime = item.date;
      time.textContent = formatDate(item.date);
      meta.appendChild(time);
      body.appendChild(meta);
    }
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove-button";
    remove.setAttribute("data-slug", item.slug);
    remove.appendChild(document.createTextNode("Remove"));
    var which = document.createElement("span");
    which.className = "visually-hidden";
    which.textContent = " “" + item.title + "”";
    remove.appendChild(which);
    card.appendChild(body);
    card.appendChild(remove);
    li.appendChild(card);
    return li;
  }

  function renderPage(message) {
    var items = readList();
    list.replaceChildren.apply(list, items.map(entry));
    empty.hidden = items.length > 0;
    status.textContent = (message ? message + " " : "") + (items.length ? countText(items.length) + "." : "");
    return items;
  }

  function removeFromPage(event) {
    var button = event.target.closest(".remove-button");
    if (!button) return;
    var slug = button.getAttribute("data-slug");
    var items = readList();
    var at = -1;
    items.forEach(function (item, i) {
      if (item.slug === slug) at = i;
    });
    if (at < 0) return;
    var removed = items.splice(at, 1)[0];
    writeList(items);
    var left = renderPage("Removed “" + removed.title + "”.");
    refreshButtons();
    // Keep keyboard users in place: the next entry's button, else the previous, else the top.
    var rest = list.querySelectorAll(".remove-button");
    if (rest.length) {
      rest[Math.min(at, rest.length - 1)].focus();
    } else if (heading) {
      heading.focus();
    }
    return left;
  }

  if (page && list && status && empty) {
    page.hidden = false;
    if (store) {
      renderPage("");
      list.addEventListener("click", removeFromPage);
    } else {
      var unavailable = document.getElementById("saved-unavailable");
      if (unavailable) unavailable.hidden = false;
    }
  }

  // Another tab saved or removed something: show it here too.
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY && event.key !== null) return;
    refreshButtons();
    if (page && store) renderPage("");
  });
})();
