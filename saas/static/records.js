// Record pages: progressive enhancement only. Every page works without this file; the
// forms it takes over post to the same addresses and get JSON back instead of a page.
"use strict";

(() => {
  const _ = (text, values) => window.trellisT(text, values);
  const debounce = (fn, ms) => {
    let timer;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  };
  const getJSON = async (url, signal) => {
    const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  };
  // Post a form (its CSRF token included) and read the JSON answer, error or not.
  const postForm = async (form, data) => {
    const response = await fetch(form.action, {
      method: "POST", body: data || new FormData(form), headers: { Accept: "application/json" },
    });
    let body = {};
    try { body = await response.json(); } catch { body = { message: _("Something went wrong. Reload the page and try again.") }; }
    return { ok: response.ok, status: response.status, body };
  };
  const el = (tag, props = {}, text) => {
    const node = Object.assign(document.createElement(tag), props);
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // Picklist colours that are not in the palette (set through the API).
  const paint = (root) => root.querySelectorAll("[data-color]").forEach((chip) => {
    chip.style.setProperty("--chip", chip.dataset.color);
  });

  // The search box of the top bar suggests records as one types.
  const topSearch = () => {
    const input = document.querySelector("input[data-suggest-url]");
    if (!input) return;
    const box = document.getElementById(input.getAttribute("aria-controls"));
    let controller;
    let active = -1;
    const links = () => [...box.querySelectorAll("a")];
    const close = () => { box.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; };
    const select = (index) => {
      const all = links();
      all.forEach((link, i) => link.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (all[index]) input.setAttribute("aria-activedescendant", all[index].id);
      else input.removeAttribute("aria-activedescendant");
    };
    const show = (data) => {
      box.replaceChildren();
      data.results.forEach((result, i) => {
        const link = el("a", { href: result.url, id: `suggestion-${i}` });
        link.setAttribute("role", "option");
        link.append(el("span", {}, result.title || "(no name)"), el("span", { className: "object" }, result.object));
        box.append(link);
      });
      if (!data.results.length) box.append(el("p", { className: "none" }, _("No matches yet.")));
      const all = el("a", { href: `${input.form.action}?q=${encodeURIComponent(data.query)}`, className: "all", id: "suggestion-all" }, _("All results for “%(query)s”", { query: data.query }));
      all.setAttribute("role", "option");
      box.append(all);
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    };
    const suggest = debounce(async () => {
      const query = input.value.trim();
      if (controller) controller.abort();
      if (query.length < 2) { close(); return; }
      controller = new AbortController();
      try { show(await getJSON(`${input.dataset.suggestUrl}?q=${encodeURIComponent(query)}`, controller.signal)); }
      catch (error) { if (error.name !== "AbortError") close(); }
    }, 200);
    input.addEventListener("input", suggest);
    input.addEventListener("keydown", (event) => {
      const all = links();
      if (box.hidden || !all.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); select((active + 1) % all.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); select((active - 1 + all.length) % all.length); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); all[active].click(); }
      else if (event.key === "Escape") { close(); }
    });
    document.addEventListener("click", (event) => { if (!input.form.contains(event.target)) close(); });
  };

  // List filters: the value box offers the picklist's values; blank rows stay out of the URL.
  const filters = () => {
    document.querySelectorAll("form[data-filters]").forEach((form) => {
      form.querySelectorAll("[data-filter-field]").forEach((select) => {
        const value = select.parentElement.querySelector("input[name=v]");
        select.addEventListener("change", () => {
          const list = document.getElementById(`values-${select.value}`);
          value.setAttribute("list", list ? list.id : "no-values");
        });
      });
      form.addEventListener("submit", () => {
        form.querySelectorAll(".filter-row").forEach((row) => {
          if (!row.querySelector("[data-filter-field]").value) {
            row.querySelectorAll("select, input").forEach((input) => { input.disabled = true; });
          }
        });
      });
    });
  };

  // Show the messages of a refused inline edit in its form.
  const showErrors = (form, messages) => {
    form.querySelectorAll(".error[data-client]").forEach((p) => p.remove());
    const input = form.querySelector("input:not([type=hidden]), select, textarea");
    const field = input && input.closest(".field, fieldset");
    const p = el("p", { className: "error", id: `${form.id || input?.id || "inline"}-client-error` }, messages.join(" "));
    p.dataset.client = "1";
    p.setAttribute("role", "alert");
    (field || form).append(p);
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
  };

  // Record page: a field saves in place; every field's value on the page is refreshed, since
  // the object's rules may change others (a deal's stage sets its probability).
  const refreshRecord = (data) => {
    Object.entries(data.html).forEach(([name, html]) => {
      document.querySelectorAll(`[data-display="${name}"]`).forEach((node) => { node.innerHTML = html; paint(node); });
    });
    document.querySelectorAll("input[name=version]").forEach((input) => { input.value = data.version; });
    // A change that went ahead with a warning (an order over its customer's credit limit).
    if (data.warnings && data.warnings.length) {
      let flashes = document.querySelector("main .flashes");
      if (!flashes) {
        flashes = el("div", { className: "flashes", role: "status" });
        document.querySelector("main").prepend(flashes);
      }
      data.warnings.forEach((text) => flashes.append(el("p", { className: "flash flash-warning" }, text)));
    }
  };
  const inlineEdit = () => {
    document.querySelectorAll("form[data-inline-edit] [data-cancel]").forEach((button) => {
      button.addEventListener("click", () => {
        const details = button.closest("details");
        details.open = false;
        details.querySelector("summary").focus();
      });
    });
    document.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!form.matches("form[data-inline-edit]")) return;
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.setAttribute("aria-busy", "true");
      try {
        const { ok, body } = await postForm(form);
        if (!ok) { showErrors(form, body.messages || [body.message]); return; }
        refreshRecord(body);
        form.querySelectorAll(".error").forEach((p) => p.remove());
        form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
        const details = form.closest("details");
        const row = form.closest(".field-row");
        if (details) { details.open = false; details.querySelector("summary").focus(); }
        if (row) { row.classList.remove("saved"); void row.offsetWidth; row.classList.add("saved"); }
      } catch {
        showErrors(form, [_("The change could not be sent. Check your connection and try again.")]);
      } finally {
        button.removeAttribute("aria-busy");
      }
    }, true); // capture: before the double-submit guard of trellis.js sees the event
  };

  // Kanban: drag a card to another column, or pick the column in its (visually hidden) form.
  const boards = () => {
    document.querySelectorAll("[data-board]").forEach((board) => {
      board.dataset.enhanced = "1";
      const status = document.querySelector("[data-board-status]");
      let statusTimer;
      const say = (text, bad) => {
        status.textContent = text;
        status.classList.toggle("bad", Boolean(bad));
        clearTimeout(statusTimer);
        statusTimer = setTimeout(() => { status.textContent = ""; }, bad ? 8000 : 2500);
      };
      const count = (column, delta) => {
        const counter = column.querySelector("[data-count]");
        counter.textContent = String(Math.max(0, (parseInt(counter.textContent, 10) || 0) + delta));
      };
      // After a move the columns' totals (count, sum, weighted sum) are read again from the
      // page as the server draws it, so they follow the object's rules (a stage's probability).
      const refreshTotals = async () => {
        try {
          const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
          if (!response.ok) return;
          const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
          fresh.querySelectorAll(".board-column").forEach((column) => {
            const here = columnFor(column.dataset.value);
            if (!here) return;
            const figures = column.querySelector("[data-figures]");
            if (figures) here.querySelector("[data-figures]").replaceChildren(...figures.childNodes);
            const summary = column.querySelector(".column-cards > summary");
            const mine = here.querySelector(".column-cards > summary");
            if (summary && mine) mine.textContent = summary.textContent;
          });
        } catch {
          // Offline: the counts moved with the card; the sums show again on the next load.
        }
      };
      const move = async (card, column) => {
        const from = card.closest(".board-column");
        if (from === column) return;
        const form = card.querySelector("[data-move-form]");
        const select = form.querySelector("select");
        const list = column.querySelector("[data-cards]");
        const placeholder = card.nextElementSibling;
        list.prepend(card);
        card.classList.add("moving");
        count(from, -1); count(column, 1);
        const data = new FormData(form);
        data.set(select.name, column.dataset.value);
        const title = card.querySelector(".card-title").textContent;
        try {
          const { ok, body } = await postForm(form, data);
          if (!ok) throw new Error((body.messages || [body.message]).join(" "));
          form.querySelector("input[name=version]").value = body.version;
          select.value = column.dataset.value;
          say(_("%(record)s moved to %(column)s.", { record: title, column: column.querySelector("h2").textContent.trim() }));
          refreshTotals();
        } catch (error) {
          from.querySelector("[data-cards]").insertBefore(card, placeholder && placeholder.parentElement ? placeholder : null);
          count(from, 1); count(column, -1);
          select.value = from.dataset.value;
          say(_("%(record)s was not moved: %(reason)s", { record: title, reason: error.message }), true);
        } finally {
          card.classList.remove("moving");
        }
      };
      const columnFor = (value) => [...board.querySelectorAll(".board-column")].find((c) => c.dataset.value === value);
      board.querySelectorAll("[data-card]").forEach((card) => {
        const select = card.querySelector("[data-move-form] select");
        if (!select) return;
        card.addEventListener("dragstart", (event) => {
          event.dataTransfer.setData("text/plain", card.dataset.id);
          event.dataTransfer.effectAllowed = "move";
          card.classList.add("dragging");
        });
        card.addEventListener("dragend", () => card.classList.remove("dragging"));
        select.addEventListener("change", () => {
          const column = columnFor(select.value);
          if (column) move(card, column).then(() => select.focus());
        });
      });
      board.querySelectorAll(".board-column").forEach((column) => {
        column.addEventListener("dragover", (event) => { event.preventDefault(); column.classList.add("drop-target"); });
        column.addEventListener("dragleave", (event) => {
          if (!column.contains(event.relatedTarget)) column.classList.remove("drop-target");
        });
        column.addEventListener("drop", (event) => {
          event.preventDefault();
          column.classList.remove("drop-target");
          const card = board.querySelector(`[data-card][data-id="${event.dataTransfer.getData("text/plain")}"]`);
          if (card) move(card, column);
        });
      });
    });
  };

  // Search before create: likely duplicates appear as the name or e-mail is typed.
  const duplicates = () => {
    const panel = document.querySelector("form [data-duplicates-panel]");
    if (!panel) return;
    const form = panel.closest("form");
    const list = panel.querySelector("[data-duplicates-list]");
    const intro = panel.querySelector("[data-duplicates-intro]");
    const names = panel.dataset.duplicateFields.split(" ");
    let controller;
    const show = (matches) => {
      list.replaceChildren(...matches.map((match) => {
        const item = el("li");
        item.append(el("a", { href: match.url, target: "_blank", rel: "noopener" }, match.title || "(no name)"));
        return item;
      }));
      panel.classList.toggle("found", matches.length > 0);
      intro.textContent = matches.length ? intro.dataset.found : intro.dataset.none;
    };
    const check = debounce(async () => {
      const params = new URLSearchParams();
      names.forEach((name) => { const input = form.elements[name]; if (input && input.value.trim()) params.set(name, input.value.trim()); });
      if (controller) controller.abort();
      if (![...params.values()].some((value) => value.length >= 3)) { show([]); return; }
      controller = new AbortController();
      try { show((await getJSON(`${panel.dataset.duplicatesUrl}?${params}`, controller.signal)).matches); }
      catch (error) { if (error.name !== "AbortError") show([]); }
    }, 300);
    names.forEach((name) => { const input = form.elements[name]; if (input) input.addEventListener("input", check); });
  };

  // Lookups with many records: a search box above the select fetches matching records.
  const lookups = () => {
    document.querySelectorAll("select[data-search-url]").forEach((select) => {
      const search = el("input", { type: "search", className: "lookup-search", placeholder: _("Type to search…"), autocomplete: "off" });
      search.setAttribute("aria-label", _("Search for %(field)s", { field: select.labels[0] ? select.labels[0].textContent.trim() : _("a record") }));
      select.before(search);
      let controller;
      search.addEventListener("input", debounce(async () => {
        if (controller) controller.abort();
        const query = search.value.trim();
        if (query.length < 2) return;
        controller = new AbortController();
        try {
          const data = await getJSON(`${select.dataset.searchUrl}?q=${encodeURIComponent(query)}`, controller.signal);
          const keep = [...select.options].filter((option) => !option.value || option.selected);
          const found = data.results.filter((r) => !keep.some((o) => o.value === r.id)).map((r) => new Option(r.title || "(no name)", r.id));
          select.replaceChildren(...keep, ...found);
          if (found.length && !select.value) select.value = found[0].value;
        } catch (error) { if (error.name !== "AbortError") search.setCustomValidity(""); }
      }, 250));
    });
  };

  // Admin: only the options of the chosen field type, and an API name suggested from the label.
  const fieldForms = () => {
    document.querySelectorAll("form[data-field-form]").forEach((form) => {
      const type = form.elements.type;
      const update = () => {
        form.querySelectorAll("[data-for-types]").forEach((option) => {
          option.hidden = !option.dataset.forTypes.split(" ").includes(type.value);
        });
        form.querySelectorAll("[data-option-group]").forEach((group) => {
          group.hidden = !group.querySelector("[data-for-types]:not([hidden])");
        });
      };
      type.addEventListener("change", update);
      update();
    });
    document.querySelectorAll("form[data-api-name-source]").forEach((form) => {
      const source = form.elements[form.dataset.apiNameSource];
      const target = form.querySelector("[data-api-name]");
      if (!source || !target) return;
      let edited = target.value !== "";
      const slug = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9]+/g, "_").replace(/^[_0-9]+|_+$/g, "").slice(0, 63).replace(/_+$/, "");
      source.addEventListener("input", () => { if (!edited) target.value = slug(source.value); });
      target.addEventListener("input", () => { edited = target.value !== ""; });
    });
  };

  // Admin: drag custom fields into a new order (the arrows do the same without a mouse).
  const sortables = () => {
    document.querySelectorAll("tbody[data-sortable]").forEach((body) => {
      const status = document.querySelector("[data-sortable-status]");
      const token = document.querySelector("input[name=csrf_token]");
      let dragged;
      const arrows = () => {
        const rows = [...body.rows];
        rows.forEach((row, i) => {
          const up = row.querySelector("button[value=up]");
          const down = row.querySelector("button[value=down]");
          if (up) up.disabled = i === 0;
          if (down) down.disabled = i === rows.length - 1;
        });
      };
      const save = async () => {
        const data = new FormData();
        if (token) data.set("csrf_token", token.value);
        [...body.rows].forEach((row) => data.append("order", row.dataset.name));
        const response = await fetch(body.dataset.orderUrl, { method: "POST", body: data, headers: { Accept: "application/json" } });
        status.textContent = response.ok ? _("The new order is saved.") : _("The order could not be saved; reload the page.");
        arrows();
      };
      [...body.rows].forEach((row) => {
        row.draggable = true;
        row.addEventListener("dragstart", (event) => { dragged = row; row.classList.add("dragging"); event.dataTransfer.effectAllowed = "move"; event.dataTransfer.setData("text/plain", row.dataset.name); });
        row.addEventListener("dragend", () => { row.classList.remove("dragging"); body.querySelectorAll(".drop-before").forEach((r) => r.classList.remove("drop-before")); });
        row.addEventListener("dragover", (event) => {
          event.preventDefault();
          body.querySelectorAll(".drop-before").forEach((r) => r.classList.remove("drop-before"));
          if (row !== dragged) row.classList.add("drop-before");
        });
        row.addEventListener("drop", (event) => {
          event.preventDefault();
          if (!dragged || row === dragged) return;
          body.insertBefore(dragged, row);
          save();
        });
      });
      body.addEventListener("dragover", (event) => event.preventDefault());
      body.addEventListener("drop", (event) => {
        if (event.target === body && dragged) { body.append(dragged); save(); }
      });
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    paint(document);
    topSearch();
    filters();
    inlineEdit();
    boards();
    duplicates();
    lookups();
    fieldForms();
    sortables();
  });
})();
