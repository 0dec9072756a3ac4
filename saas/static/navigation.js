/* Setup → Navigation: move the rows of the top bar's order with Up and Down buttons (the
   keyboard way) or by dragging them; the position numbers follow, so the form posts the
   order shown. Without JavaScript the numbers are typed. */
(function () {
  "use strict";

  var _ = function (text, values) { return window.trellisT(text, values); };

  function setup(form) {
    var body = form.querySelector("tbody");
    var status = form.querySelector("[data-move-status]");
    if (!body) return;

    function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr")); }
    function label(row) { return row.querySelector("th").textContent.trim(); }

    function renumber() {
      rows().forEach(function (row, index) {
        row.querySelector("input.position").value = String(index + 1);
        var up = row.querySelector("[data-up]");
        var down = row.querySelector("[data-down]");
        if (up) up.disabled = index === 0;
        if (down) down.disabled = index === rows().length - 1;
      });
    }

    function announce(row) {
      if (status) status.textContent = _("%(object)s: position %(position)s of %(count)s.", { object: label(row), position: rows().indexOf(row) + 1, count: rows().length });
    }

    function move(row, delta, button) {
      var all = rows();
      var index = all.indexOf(row);
      var target = all[index + delta];
      if (!target) return;
      if (delta < 0) body.insertBefore(row, target);
      else body.insertBefore(row, target.nextSibling);
      renumber();
      announce(row);
      // Keep focus on the button pressed, or on its twin when it is now disabled.
      var keep = button.disabled ? row.querySelector(delta < 0 ? "[data-down]" : "[data-up]") : button;
      if (keep) keep.focus();
    }

    rows().forEach(function (row) {
      var cell = row.querySelector("[data-move]");
      if (!cell) return;
      [[_("Up"), -1, "data-up", _("Move %(object)s up")], [_("Down"), 1, "data-down", _("Move %(object)s down")]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary small";
        button.setAttribute(spec[2], "");
        button.textContent = spec[0];
        button.setAttribute("aria-label", spec[3].replace("%(object)s", label(row)));
        button.addEventListener("click", function () { move(row, spec[1], button); });
        cell.appendChild(button);
      });
      row.draggable = true;
      row.addEventListener("dragstart", function (event) {
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.object);
      });
      row.addEventListener("dragend", function () {
        row.classList.remove("dragging");
        renumber();
        announce(row);
      });
    });

    body.addEventListener("dragover", function (event) {
      var dragged = body.querySelector("tr.dragging");
      if (!dragged) return;
      event.preventDefault();
      var after = rows().filter(function (row) {
        if (row === dragged) return false;
        var box = row.getBoundingClientRect();
        return event.clientY < box.top + box.height / 2;
      })[0];
      body.insertBefore(dragged, after || null);
    });

    // A position typed by hand moves the row there when the field is left.
    body.addEventListener("change", function (event) {
      if (!event.target.matches("input.position")) return;
      var row = event.target.closest("tr");
      var wanted = parseInt(event.target.value, 10);
      if (isNaN(wanted)) return;
      var others = rows().filter(function (r) { return r !== row; });
      var index = Math.max(0, Math.min(others.length, wanted - 1));
      body.insertBefore(row, others[index] || null);
      renumber();
      announce(row);
    });

    renumber();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-nav-order]"), setup);
  });
})();
