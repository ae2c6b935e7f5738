/* Fields that read the same in every browser. A file, not inline script: strict CSP.
 *
 * 1. Date and month pickers. Inputs marked data-picker="date" or "month" are plain text fields in
 *    the application's format (dd/mm/yyyy, mm/yyyy) and work without this script. Here each gets a
 *    button that opens a small calendar whose month and weekday names come from the server
 *    (<script id="picker-labels" type="application/json">, the interface language), never from
 *    the browser's locale. Keyboard: arrows move a day (a month in the month picker), PageUp /
 *    PageDown a month (a year), Home / End the week's ends, Enter picks, Escape closes.
 * 2. File fields: the browser writes "Choose Files" in its own language; the native input is kept
 *    (labelled, focusable, clicked through) but drawn over a "Chọn tệp" button and a line naming
 *    the chosen files.
 * Content swapped in by htmx is enhanced too (htmx:load).
 */
(function () {
  "use strict";

  var labelsNode = document.getElementById("picker-labels");
  var L = labelsNode ? JSON.parse(labelsNode.textContent) : null;
  if (!L) {
    return;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function formatDate(d) {
    return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  function parseValue(text, mode) {
    text = (text || "").trim();
    var m;
    if (mode === "month") {
      m = /^(\d{1,2})\/(\d{4})$/.exec(text) || null;
      if (m) {
        return new Date(+m[2], +m[1] - 1, 1);
      }
      m = /^(\d{4})-(\d{2})$/.exec(text);
      return m ? new Date(+m[1], +m[2] - 1, 1) : null;
    }
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (m) {
      var d = new Date(+m[3], +m[2] - 1, +m[1]);
      return d.getMonth() === +m[2] - 1 ? d : null;
    }
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    return m ? new Date(+m[1], +m[2] - 1, +m[3]) : null;
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() &&
      a.getDate() === b.getDate();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  var counter = 0;
  var openPicker = null; // {input, button, popup, mode, cursor}

  function close(returnFocus) {
    if (!openPicker) {
      return;
    }
    var current = openPicker;
    openPicker = null;
    current.popup.remove();
    current.button.setAttribute("aria-expanded", "false");
    if (returnFocus) {
      current.button.focus();
    }
  }

  function choose(date) {
    var current = openPicker;
    var input = current.input;
    input.value = current.mode === "month"
      ? pad(date.getMonth() + 1) + "/" + date.getFullYear()
      : formatDate(date);
    close(false);
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function render() {
    var p = openPicker;
    var popup = p.popup;
    var cursor = p.cursor;
    popup.textContent = "";
    var head = el("div", "picker-head");
    var isMonth = p.mode === "month";
    var prev = el("button", "picker-step", "‹");
    prev.type = "button";
    prev.setAttribute("aria-label", isMonth ? L.previous_year : L.previous_month);
    var next = el("button", "picker-step", "›");
    next.type = "button";
    next.setAttribute("aria-label", isMonth ? L.next_year : L.next_month);
    var title = el("span", "picker-title",
      isMonth ? String(cursor.getFullYear()) : L.months[cursor.getMonth()] + " " + cursor.getFullYear());
    title.id = p.popup.id + "-title";
    title.setAttribute("aria-live", "polite");
    prev.addEventListener("click", function () { move(isMonth ? -12 : 0, isMonth ? 0 : -1, true); });
    next.addEventListener("click", function () { move(isMonth ? 12 : 0, isMonth ? 0 : 1, true); });
    head.append(prev, title, next);
    popup.append(head);

    var selected = parseValue(p.input.value, p.mode);
    var grid = el("div", isMonth ? "picker-months" : "picker-days");
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", title.id);
    var focusTarget = null;
    if (isMonth) {
      var row = el("div", "picker-row");
      row.setAttribute("role", "row");
      for (var m = 0; m < 12; m++) {
        var day = new Date(cursor.getFullYear(), m, 1);
        var cell = cellButton(day, L.months[m], selected && selected.getFullYear() === day.getFullYear() &&
          selected.getMonth() === m, m === cursor.getMonth());
        if (m === cursor.getMonth()) {
          focusTarget = cell.firstChild;
        }
        row.append(cell);
      }
      grid.append(row);
    } else {
      var headRow = el("div", "picker-row picker-weekdays");
      headRow.setAttribute("role", "row");
      L.weekdays.forEach(function (name) {
        var h = el("span", "picker-weekday", name);
        h.setAttribute("role", "columnheader");
        headRow.append(h);
      });
      grid.append(headRow);
      var first = new Date(cursor.getFullYear(), cursor.getMonth(), 1);
      var offset = (first.getDay() + 6) % 7; // Monday first
      var start = new Date(first.getFullYear(), first.getMonth(), 1 - offset);
      var today = new Date();
      for (var w = 0; w < 6; w++) {
        var weekRow = el("div", "picker-row");
        weekRow.setAttribute("role", "row");
        for (var i = 0; i < 7; i++) {
          var d = new Date(start.getFullYear(), start.getMonth(), start.getDate() + w * 7 + i);
          var c = cellButton(d, String(d.getDate()), sameDay(d, selected), sameDay(d, cursor));
          var b = c.firstChild;
          b.setAttribute("aria-label", formatDate(d));
          if (d.getMonth() !== cursor.getMonth()) {
            b.classList.add("picker-outside");
          }
          if (sameDay(d, today)) {
            b.classList.add("picker-today");
            b.setAttribute("aria-current", "date");
          }
          if (sameDay(d, cursor)) {
            focusTarget = b;
          }
          weekRow.append(c);
        }
        grid.append(weekRow);
        if (start.getMonth() !== cursor.getMonth() && w >= 4 &&
            new Date(start.getFullYear(), start.getMonth(), start.getDate() + (w + 1) * 7).getMonth() !==
            cursor.getMonth()) {
          break;
        }
      }
    }
    grid.addEventListener("keydown", keys);
    popup.append(grid);
    var foot = el("div", "picker-foot");
    var todayButton = el("button", "picker-link", L.today);
    todayButton.type = "button";
    todayButton.addEventListener("click", function () { choose(new Date()); });
    var closeButton = el("button", "picker-link", L.close);
    closeButton.type = "button";
    closeButton.addEventListener("click", function () { close(true); });
    foot.append(todayButton, closeButton);
    popup.append(foot);
    return focusTarget;
  }

  function cellButton(date, text, isSelected, isCursor) {
    var cell = el("span", "picker-cell");
    cell.setAttribute("role", "gridcell");
    var button = el("button", "picker-day", text);
    button.type = "button";
    button.tabIndex = isCursor ? 0 : -1;
    if (isSelected) {
      button.setAttribute("aria-selected", "true");
      button.classList.add("picker-selected");
    }
    button.addEventListener("click", function () { choose(date); });
    cell.append(button);
    return cell;
  }

  function move(days, months, keepFocusOnStep) {
    var c = openPicker.cursor;
    var target;
    if (months) {
      target = new Date(c.getFullYear(), c.getMonth() + months, 1);
      var last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
      target.setDate(Math.min(c.getDate(), last));
    } else if (openPicker.mode === "month") {
      target = new Date(c.getFullYear(), c.getMonth() + days, 1);
    } else {
      target = new Date(c.getFullYear(), c.getMonth(), c.getDate() + days);
    }
    if (target.getFullYear() < 1901 || target.getFullYear() > 2099) {
      return;
    }
    openPicker.cursor = target;
    var focusTarget = render();
    if (!keepFocusOnStep && focusTarget) {
      focusTarget.focus();
    }
  }

  function keys(event) {
    var month = openPicker.mode === "month";
    var map = {
      ArrowLeft: [-1, 0], ArrowRight: [1, 0],
      ArrowUp: [month ? -3 : -7, 0], ArrowDown: [month ? 3 : 7, 0],
      PageUp: month ? [-12, 0] : [0, -1], PageDown: month ? [12, 0] : [0, 1],
    };
    if (map[event.key]) {
      event.preventDefault();
      move(map[event.key][0], map[event.key][1], false);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      var dow = (openPicker.cursor.getDay() + 6) % 7;
      move(event.key === "Home" ? -dow : 6 - dow, 0, false);
    }
  }

  function open(input, button, mode) {
    close(false);
    counter += 1;
    var popup = el("div", "picker");
    popup.id = "picker-" + counter;
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", mode === "month" ? L.open_month : L.open_date);
    popup.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close(true);
      }
    });
    button.parentNode.append(popup);
    button.setAttribute("aria-expanded", "true");
    var start = parseValue(input.value, mode) || new Date();
    openPicker = { input: input, button: button, popup: popup, mode: mode, cursor: start };
    var focusTarget = render();
    if (focusTarget) {
      focusTarget.focus();
    }
  }

  var ICON = "M7 2v2H5a2 2 0 0 0-2 2v13a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7zm-2 7h14v10H5V9z";

  function enhanceDate(input) {
    var mode = input.getAttribute("data-picker") === "month" ? "month" : "date";
    var wrap = el("span", "picker-wrap");
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input);
    var button = el("button", "picker-open");
    button.type = "button";
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim().replace(/:$/, "") : "";
    // The name is the button's own (hidden) text, not aria-label: a label-based look-up of the
    // field ("Số liệu tính đến ngày") must still find only the field.
    var name = el("span", "visually-hidden", (mode === "month" ? L.open_month : L.open_date) +
      (label ? " — " + label : ""));
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICON);
    svg.append(path);
    button.append(svg, name);
    button.addEventListener("click", function () {
      if (openPicker && openPicker.input === input) {
        close(true);
      } else {
        open(input, button, mode);
      }
    });
    wrap.append(button);
  }

  function enhanceFile(input) {
    var wrap = el("span", "file-pick");
    input.parentNode.insertBefore(wrap, input);
    var face = el("span", "file-face button-secondary", input.multiple ? L.choose_files : L.choose_file);
    face.setAttribute("aria-hidden", "true");
    var names = el("span", "file-names small", L.no_file);
    names.setAttribute("aria-live", "polite");
    wrap.append(face, input, names);
    input.classList.add("file-native");
    input.addEventListener("change", function () {
      var files = Array.from(input.files || []);
      if (!files.length) {
        names.textContent = L.no_file;
      } else if (files.length === 1) {
        names.textContent = files[0].name;
      } else {
        names.textContent = L.files.replace("%(n)s", String(files.length)) + ": " +
          files.map(function (f) { return f.name; }).join(", ");
      }
    });
  }

  function enhance(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("input[data-picker]:not([data-picker-ready])").forEach(function (input) {
      input.setAttribute("data-picker-ready", "");
      enhanceDate(input);
    });
    root.querySelectorAll("input[type=file]:not([data-file-ready])").forEach(function (input) {
      input.setAttribute("data-file-ready", "");
      enhanceFile(input);
    });
  }

  document.addEventListener("click", function (event) {
    // A click on a month arrow redraws the picker: its target is gone, not outside.
    if (openPicker && event.target.isConnected && !openPicker.popup.contains(event.target) &&
        !openPicker.button.contains(event.target)) {
      close(false);
    }
  });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });

  // 3. After an htmx form is sent, the button pressed is usually gone with the old form and
  //    focus would fall back to the page. It goes to the first field with an error (linked to
  //    its message by aria-describedby, server side), which the live region also announces; or,
  //    after a save, to the message that says what happened.
  var announcer = document.getElementById("form-announcer");
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig || {};
    if (config.verb !== "post") {
      return;
    }
    var target = event.detail.target;
    if (target && !target.isConnected && target.id) {
      target = document.getElementById(target.id);
    }
    if (!target || !target.isConnected || target.closest("dialog:not([open])")) {
      return;
    }
    var invalid = target.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
      if (announcer) {
        var count = target.querySelectorAll('[aria-invalid="true"]').length;
        var first = document.getElementById(
          (invalid.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
            return /_error$/.test(id);
          })[0] || "-"
        );
        announcer.textContent = "";
        announcer.textContent = L.form_errors.replace("%(n)s", String(count)) +
          (first ? " " + first.textContent.trim() : "");
      }
      return;
    }
    if (target.querySelector("[autofocus]")) {
      return; // the page names its own focus (the dashboard's decision result)
    }
    var message = target.querySelector(".message, [role=alert], .notice");
    if (message) {
      if (!message.hasAttribute("tabindex")) {
        message.setAttribute("tabindex", "-1");
      }
      message.focus();
    }
  });
  enhance(document);
})();
