/* Staff pages ("Việc của đơn vị", the assignment page). A file, not inline script: strict CSP.
 *
 * 1. After the user's own save, the server sends `assignment-changed` with the new version; every
 *    other form of that assignment on the page takes it, so the user's next save is not refused
 *    as a conflict with themselves. (On a real conflict no version is sent: the refused form
 *    already carries the current one, the others keep theirs.)
 * 2. The list's filters leave empty values out of the address, so bookmarks stay short.
 * 2b. The assignment page refreshes its live region after each of the user's saves; if the user
 *    has meanwhile started typing in another of its forms (the completion report right after a
 *    progress note), the refresh is dropped rather than wiping what they typed — their next
 *    save refreshes it, and the forms already carry the new version (1).
 * 3. The list's "Cập nhật tiến độ" opens the progress form in a native <dialog> (focus trap,
 *    Escape to close); closing returns focus to the row's button. A form still open for the same
 *    assignment is shown again rather than fetched anew, so nothing typed is lost.
 */
(function () {
  "use strict";

  document.body.addEventListener("assignment-changed", function (event) {
    var detail = event.detail || {};
    if (!detail.id || !detail.version) {
      return;
    }
    var selector = 'input[data-assignment-version="' + String(detail.id) + '"]';
    document.querySelectorAll(selector).forEach(function (input) {
      input.value = String(detail.version);
    });
  });

  function typed(field) {
    var type = field.type;
    if (type === "hidden" || type === "submit" || type === "button" || type === "reset") {
      return false;
    }
    if (type === "checkbox" || type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (type === "file") {
      return Boolean(field.files && field.files.length);
    }
    if (field.tagName === "SELECT") {
      return Array.from(field.options).some(function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return field.value !== field.defaultValue;
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "assignment-live") {
      return;
    }
    if (Array.from(target.querySelectorAll("textarea, input, select")).some(typed)) {
      event.detail.shouldSwap = false;
    }
  });

  // Filters send (and so put in the address bar) only the values actually chosen.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.verb !== "get" || !form.matches || !form.matches("form[data-drop-empty]")) {
      return;
    }
    var params = event.detail.parameters;
    Array.from(params.keys()).forEach(function (name) {
      if (params.get(name) === "") {
        params.delete(name);
      }
    });
  });

  var dialog = document.getElementById("quick-progress");
  if (!dialog || typeof dialog.showModal !== "function") {
    return; // without <dialog> the links open the progress page itself
  }
  var body = document.getElementById("quick-progress-body");
  var subject = document.getElementById("quick-progress-subject");
  var openerId = null;

  function open(link) {
    openerId = link.getAttribute("data-quick-progress");
    subject.textContent = link.getAttribute("data-subject") || "";
    if (!dialog.open) {
      dialog.showModal();
    }
    var first = body.querySelector("textarea, input:not([type=hidden]), select");
    if (first) {
      first.focus();
    }
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    if (!link || !link.hasAttribute || !link.hasAttribute("data-quick-progress")) {
      return;
    }
    var id = link.getAttribute("data-quick-progress");
    if (body.querySelector('[data-progress-for="' + id + '"]')) {
      event.preventDefault();
      open(link);
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var link = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.target === body && link && link.hasAttribute("data-quick-progress")) {
      open(link);
    }
  });

  dialog.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      dialog.close();
    }
  });

  dialog.addEventListener("close", function () {
    if (openerId) {
      var again = document.querySelector('[data-quick-progress="' + openerId + '"]');
      if (again) {
        again.focus();
      }
    }
  });
})();
