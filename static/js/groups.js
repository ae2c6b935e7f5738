/* Lists grouped under their directive (staff list, the dashboard's and the overview's lists):
 * a heading's button folds its rows. Without this script every row shows. A file, not inline
 * script: strict CSP. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-group-toggle]");
    if (!toggle) {
      return;
    }
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.closest("tbody").querySelectorAll("tr.group-row").forEach(function (row) {
      row.hidden = !open;
    });
  });
})();
