// The review page "Nhập văn bản": select2 (the admin's autocomplete) leaves the search box of a
// multiple choice without a name. Give each the label of its field, again whenever select2
// redraws it (after each unit added or removed).
"use strict";
(function () {
  function name(select) {
    const label = document.querySelector('label[for="' + select.id + '"]');
    const container = select.nextElementSibling;
    if (!label || !container) return;
    const text = label.textContent.trim().replace(/:$/, "");
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      if (field.getAttribute("aria-label") !== text) field.setAttribute("aria-label", text);
    });
  }
  function start(tries) {
    const selects = document.querySelectorAll("select.admin-autocomplete");
    if (selects.length && !document.querySelector(".select2-container") && tries < 50) {
      // jQuery runs the autocomplete's set-up a moment after the page is parsed.
      window.setTimeout(function () { start(tries + 1); }, 20);
      return;
    }
    selects.forEach(function (select) {
      name(select);
      const container = select.nextElementSibling;
      if (container) {
        new MutationObserver(function () { name(select); }).observe(container, {
          childList: true,
          subtree: true,
        });
      }
    });
  }
  // After the admin's autocomplete.js has turned the selects into select2 on DOM ready.
  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(function () { start(0); }, 0);
  });
})();
