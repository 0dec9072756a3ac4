/* The command palette (Ctrl-K / ⌘-K, or the "Jump to" button of the top bar): a modal dialog
   with a combobox and its listbox (the WAI-ARIA pattern). It offers what /commands lists for
   this user (objects, new records, saved views, settings for admins) and, as the user types,
   the records /search/suggest finds. Arrows move, Enter opens, Escape closes and focus goes
   back where it was. Without JavaScript the button is a link to the search page. */
(function () {
  "use strict";

  var _ = function (text, values) { return window.trellisT(text, values); };
  var button = document.querySelector("[data-palette]");
  if (!button) return;
  var commandsUrl = button.getAttribute("data-commands-url");
  var suggestUrl = button.getAttribute("data-suggest-url");
  var searchUrl = button.getAttribute("href");
  var commands = null;
  var dialog, input, list, status, returnTo, timer, results = [], active = -1, serial = 0;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "palette";
    dialog.setAttribute("aria-labelledby", "palette-title");
    dialog.innerHTML =
      '<h2 id="palette-title" class="sr-only"></h2>' +
      '<label class="sr-only" for="palette-q"></label>' +
      '<input id="palette-q" type="text" role="combobox" autocomplete="off" spellcheck="false"' +
      ' aria-autocomplete="list" aria-expanded="true" aria-controls="palette-list">' +
      '<ul id="palette-list" role="listbox"></ul>' +
      '<p class="palette-status sr-only" role="status" aria-live="polite"></p>' +
      '<p class="palette-help muted"></p>';
    // The texts are set apart from the markup: a translation is text, never HTML.
    dialog.querySelector("h2").textContent = _("Jump to or create");
    dialog.querySelector("label").textContent = _("Jump to a record, object, view or setting");
    dialog.querySelector("input").placeholder = _("Jump to a record, object, view or setting…");
    dialog.querySelector("ul").setAttribute("aria-label", _("Commands"));
    var help = dialog.querySelector(".palette-help");
    [["↑ ↓", _("to move")], ["Enter", _("to open")], ["Esc", _("to close")]].forEach(function (pair, index) {
      if (index) help.appendChild(document.createTextNode(", "));
      pair[0].split(" ").forEach(function (key, at) {
        if (at) help.appendChild(document.createTextNode(" "));
        var kbd = document.createElement("kbd");
        kbd.textContent = key;
        help.appendChild(kbd);
      });
      help.appendChild(document.createTextNode(" " + pair[1]));
    });
    document.body.appendChild(dialog);
    input = dialog.querySelector("input");
    list = dialog.querySelector("ul");
    status = dialog.querySelector("[role=status]");
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
    input.addEventListener("keydown", keydown);
    dialog.addEventListener("close", function () { if (returnTo) returnTo.focus(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
  }

  function load() {
    if (commands) return Promise.resolve(commands);
    return fetch(commandsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { commands: [] }; })
      .then(function (data) { commands = data.commands; return commands; })
      .catch(function () { commands = []; return commands; });
  }

  function matches(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return (commands || []).filter(function (c) {
      var text = (c.kind + " " + c.label).toLowerCase();
      return words.every(function (w) { return text.indexOf(w) !== -1; });
    });
  }

  function refresh() {
    var query = input.value.trim();
    var mine = ++serial;
    load().then(function () {
      var found = matches(query).slice(0, query ? 12 : 30);
      if (!query) { render(found); return; }
      render(found, true);
      fetch(suggestUrl + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (mine !== serial) return;
          var records = data.results.map(function (r) { return { kind: r.object, label: r.title, url: r.url }; });
          records.push({ kind: _("Search"), label: _("All results for “%(query)s”", { query: query }), url: searchUrl + "?q=" + encodeURIComponent(query) });
          render(found.concat(records));
        })
        .catch(function () { if (mine === serial) render(found); });
    });
  }

  function render(items, pending) {
    results = items;
    list.textContent = "";
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = "palette-option-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = item.label;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.kind;
      li.appendChild(label);
      li.appendChild(kind);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { go(index); });
      list.appendChild(li);
    });
    select(items.length ? 0 : -1);
    if (!pending) status.textContent = items.length ? _("%(count)s results", { count: items.length }) : _("Nothing found");
  }

  function select(index) {
    var options = list.querySelectorAll("[role=option]");
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    if (index < 0 || !options[index]) { input.removeAttribute("aria-activedescendant"); return; }
    options[index].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  }

  function go(index) {
    var item = results[index];
    if (!item) return;
    returnTo = null;
    window.location.assign(item.url);
  }

  function keydown(event) {
    var count = results.length;
    if (event.key === "ArrowDown") { event.preventDefault(); if (count) select((active + 1) % count); }
    else if (event.key === "ArrowUp") { event.preventDefault(); if (count) select((active - 1 + count) % count); }
    else if (event.key === "Home" && event.ctrlKey) { event.preventDefault(); select(count ? 0 : -1); }
    else if (event.key === "End" && event.ctrlKey) { event.preventDefault(); select(count - 1); }
    else if (event.key === "Enter") {
      event.preventDefault();
      if (active >= 0) go(active);
      else if (input.value.trim()) window.location.assign(searchUrl + "?q=" + encodeURIComponent(input.value.trim()));
    }
  }

  function open() {
    if (!dialog) build();
    if (dialog.open) return;
    returnTo = document.activeElement;
    input.value = "";
    dialog.showModal();
    input.focus();
    refresh();
  }

  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("role", "button");
  button.addEventListener("click", function (event) { event.preventDefault(); open(); });
  button.addEventListener("keydown", function (event) { if (event.key === " ") { event.preventDefault(); open(); } });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      open();
    }
  });
})();
