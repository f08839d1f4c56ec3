/* "Copy BibTeX": the button is hidden in the HTML and shown only here, so a reader without
   JavaScript sees the entry and the download link and no dead button. */
(function () {
  "use strict";

  // For pages served over plain http (no navigator.clipboard) and older browsers.
  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (err) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  // Last resort: select the entry so the reader can copy it by hand.
  function selectContents(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    if (!source) return;
    var status = button.parentNode.querySelector(".copy-status");
    var label = button.textContent;
    var timer = null;
    function tell(message, buttonText) {
      if (status) status.textContent = message;
      button.textContent = buttonText;
      clearTimeout(timer);
      timer = setTimeout(function () {
        button.textContent = label;
        if (status) status.textContent = "";
      }, 2500);
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(source.textContent).then(
        function () {
          tell("BibTeX copied to the clipboard", "Copied!");
        },
        function () {
          selectContents(source);
          tell("Could not copy: the entry is selected, press Ctrl+C (⌘C)", label);
        }
      );
    });
  });
})();
