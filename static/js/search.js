/* The header's search box: keyboard and pointer handling for its results-as-you-type list.
   htmx fetches the list; this file only moves focus and closes it. Without JavaScript the
   form submits to the full results page. */
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  if (!input) { return; }
  var form = input.form;

  function dropdown() { return document.getElementById("search-dropdown"); }
  function links() { var d = dropdown(); return d && !d.hidden ? Array.prototype.slice.call(d.querySelectorAll("a")) : []; }
  function close() { var d = dropdown(); if (d) { d.hidden = true; } }
  function open() { var d = dropdown(); if (d && d.children.length && input.value.trim()) { d.hidden = false; } }

  form.addEventListener("keydown", function (event) {
    var items = links();
    var index = items.indexOf(document.activeElement);
    if (event.key === "Escape") {
      if (dropdown() && !dropdown().hidden) { close(); input.focus(); event.preventDefault(); }
    } else if (event.key === "ArrowDown" && items.length) {
      items[Math.min(index + 1, items.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && index !== -1) {
      if (index === 0) { input.focus(); } else { items[index - 1].focus(); }
      event.preventDefault();
    }
  });
  input.addEventListener("focus", open);
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) { close(); }
  });
  form.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !form.contains(event.relatedTarget)) { close(); }
  });
})();
