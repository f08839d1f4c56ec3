// Dark or light: follows the system until the reader presses the theme button, then keeps the
// reader's choice (localStorage). Loaded in <head> without defer, so the stored choice is on
// <html> before the page is drawn: no flash of the other theme. Without JS, the CSS media
// query alone follows the system and the button stays hidden.
(function () {
  var KEY = "site-builder-theme";
  var root = document.documentElement;
  var media = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");

  function load() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; } // storage blocked
  }
  function save(value) {
    try {
      if (value) localStorage.setItem(KEY, value); else localStorage.removeItem(KEY);
    } catch (e) { /* the choice lasts for this page only */ }
  }
  function apply(value) {
    if (value === "dark" || value === "light") root.setAttribute("data-theme", value);
    else root.removeAttribute("data-theme");
  }
  function systemDark() { return !!(media && media.matches); }
  function isDark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : systemDark();
  }

  apply(load());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    function sync() { button.setAttribute("aria-pressed", String(isDark())); }
    button.addEventListener("click", function () {
      var dark = !isDark();
      // A choice that matches the system is forgotten: the page follows the system again.
      var value = dark === systemDark() ? null : dark ? "dark" : "light";
      apply(value);
      save(value);
      sync();
    });
    if (media && media.addEventListener) media.addEventListener("change", sync);
    window.addEventListener("storage", function (event) { // another tab changed it
      if (event.key === KEY) { apply(event.newValue); sync(); }
    });
    sync();
    button.hidden = false;
  });
})();
