/* The lines editor of quotes and orders (core/orders/templates/orders/lines.html).
   The form works without this script (it always offers a few empty rows); the script adds
   an "Add a line" button and shows each line's total as it is typed. The server computes
   the amounts that count. */
(function () {
  "use strict";

  function number(input) {
    if (!input) return null;
    var text = input.value.replace(/,/g, "").trim();
    if (text === "") return null;
    var value = Number(text);
    return isFinite(value) ? value : NaN;
  }

  function refresh(row) {
    var cell = row.querySelector("[data-line-total]");
    var quantity = number(row.querySelector('input[name$="-quantity"]'));
    var price = number(row.querySelector('input[name$="-unit_price"]'));
    if (!cell) return;
    if (quantity === null || price === null || isNaN(quantity) || isNaN(price)) {
      if (!row.hasAttribute("data-blank")) return; // keep the server's figure
      cell.textContent = "";
      return;
    }
    var gross = Math.round(quantity * price * 100) / 100;
    var percent = number(row.querySelector('input[name$="-discount_percent"]'));
    var amount = number(row.querySelector('input[name$="-discount_amount"]'));
    var discount = 0;
    if (percent) discount = Math.round(gross * percent) / 100;
    else if (amount) discount = amount;
    var currency = row.closest("[data-currency]");
    var total = gross - discount;
    try {
      cell.textContent = new Intl.NumberFormat("en", { style: "currency", currency: currency.dataset.currency }).format(total);
    } catch (error) { // no currency, or one the browser does not know
      cell.textContent = total.toFixed(2);
    }
  }

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/^line-\d+-/, "line-" + index + "-"));
      });
    });
    row.querySelectorAll("label.sr-only").forEach(function (label) {
      label.textContent = label.textContent.replace(/\d+$/, String(index + 1));
    });
  }

  function setUp(editor) {
    var form = editor.querySelector("form[novalidate]");
    var body = editor.querySelector("[data-line-rows]");
    var count = editor.querySelector("[data-line-count]");
    var add = editor.querySelector("[data-add-line]");
    if (!form || !body || !count || !add) return;
    var blanks = body.querySelectorAll("tr[data-blank]");
    var template = blanks[blanks.length - 1].cloneNode(true);
    // One empty row is enough once rows can be added.
    for (var i = 1; i < blanks.length; i++) blanks[i].remove();
    count.value = String(body.querySelectorAll("tr[data-line]").length);
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = Number(count.value);
      var row = template.cloneNode(true);
      row.querySelectorAll("input, select").forEach(function (el) { el.value = ""; });
      row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      renumber(row, index);
      body.appendChild(row);
      count.value = String(index + 1);
      row.querySelector("select, input").focus();
    });
    body.addEventListener("input", function (event) {
      var row = event.target.closest("tr[data-line]");
      if (row) refresh(row);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-lines-editor]").forEach(setUp);
  });
})();
