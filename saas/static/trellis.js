// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

// The scripts' strings in the page's language: _("Text %(name)s", { name }) looks the text up
// in window.trellisMessages (the /i18n/<locale>.js catalogue the page loads before this file;
// none in English) and fills in the placeholders, written as in Python.
window.trellisT = (text, values) => {
  const shown = (window.trellisMessages || {})[text] || text;
  return values ? shown.replace(/%\((\w+)\)[sd]/g, (match, name) => (name in values ? String(values[name]) : match)) : shown;
};

document.addEventListener("DOMContentLoaded", () => {
  const _ = window.trellisT;
  // Mobile navigation toggle.
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("main-nav");
  const setNav = (open) => {
    nav.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  if (toggle && nav) {
    toggle.addEventListener("click", () => setNav(!nav.classList.contains("open")));
  }

  enhanceMenus();
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (toggle && nav && nav.classList.contains("open")) { setNav(false); toggle.focus(); }
  });

  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // A form that is on its way is not sent twice (sign-up takes a moment).
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      if (form.dataset.sending) { event.preventDefault(); return; }
      form.dataset.sending = "1";
      const button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
      if (button) {
        button.setAttribute("aria-busy", "true");
        if (form.dataset.busy) { button.dataset.label = button.textContent; button.textContent = form.dataset.busy; }
      }
    });
  });
  // Coming back with the Back button shows the form ready again.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-sending]").forEach((form) => {
      delete form.dataset.sending;
      form.querySelectorAll("[aria-busy]").forEach((button) => {
        button.removeAttribute("aria-busy");
        if (button.dataset.label) { button.textContent = button.dataset.label; delete button.dataset.label; }
      });
    });
  });

  // Selects that save as soon as they change.
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });

  // Copy buttons (hidden until this script can make them work).
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const input = document.querySelector(button.dataset.copy);
    if (!input) return;
    button.hidden = false;
    const label = button.textContent;
    let timer;
    button.addEventListener("click", async () => {
      input.select();
      let copied = false;
      try { await navigator.clipboard.writeText(input.value); copied = true; }
      catch { copied = document.execCommand && document.execCommand("copy"); }
      button.textContent = copied ? _("Copied ✓") : _("Press Ctrl+C to copy");
      clearTimeout(timer);
      timer = setTimeout(() => { button.textContent = label; }, 2500);
    });
    input.addEventListener("focus", () => input.select());
  });

  // After a failed submit, put the cursor where the work is: the first field with an
  // error, or else the first empty field after a pre-filled one (a wrong password).
  const invalid = document.querySelector("main [aria-invalid=true]");
  const autofocused = document.querySelector("main [autofocus]");
  if (invalid) {
    invalid.focus();
  } else if (autofocused && autofocused.value && autofocused.form) {
    const empty = [...autofocused.form.elements].find(
      (element) => element.matches("input:not([type=hidden]):not([readonly])") && !element.value);
    if (empty) empty.focus();
  }

  // Sign-up: suggest a subdomain from the company name and check it as the user types.
  const company = document.getElementById("company");
  const slug = document.getElementById("slug");
  const status = document.getElementById("slug-status");
  if (company && slug && status) {
    const defaultHint = status.textContent;
    const serverError = document.getElementById("slug-error");
    let edited = slug.value !== "";
    let timer;
    let request;
    const suggest = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
    const show = (text, state) => {
      status.textContent = text;
      status.className = state ? `hint ${state}` : "hint";
      if (state === "bad") slug.setAttribute("aria-invalid", "true");
      else slug.removeAttribute("aria-invalid");
    };
    const check = () => {
      clearTimeout(timer);
      if (request) request.abort();
      // What the server said about the previous value no longer applies.
      if (serverError) serverError.hidden = true;
      slug.setAttribute("aria-describedby", "slug-status");
      const value = slug.value.trim().toLowerCase();
      if (!value) { show(defaultHint, ""); return; }
      show(_("Checking…"), "");
      timer = setTimeout(async () => {
        request = new AbortController();
        try {
          const response = await fetch(`${slug.dataset.checkUrl}?slug=${encodeURIComponent(value)}`, {
            headers: { Accept: "application/json" }, signal: request.signal });
          const result = await response.json();
          if (slug.value.trim().toLowerCase() !== result.slug) return;
          if (result.available) show(_("✓ %(slug)s is available", { slug: result.slug }), "ok");
          else show(result.message, "bad");
        } catch (error) {
          // Offline or aborted: the server checks again on submit.
          if (error.name !== "AbortError") show(defaultHint, "");
        }
      }, 250);
    };
    company.addEventListener("input", () => { if (!edited) { slug.value = suggest(company.value); check(); } });
    slug.addEventListener("input", () => { edited = slug.value !== ""; check(); });
    // After a submit the server's own message is shown; only check a value it did not judge.
    if (slug.value && !serverError) check();
  }

  document.querySelectorAll("form[data-live-validate]").forEach(liveValidation);
});

// Live validation: the server judges the whole form as the user types (POST with the CSRF
// token to the form's data-live-validate address) and each field shows what it says. A
// field's messages appear once the user has left it (or the server already refused it),
// and go as soon as the value is right: no error stays under a field that was fixed. The
// subdomain has its own live check above. Without this script the form works as before.
function liveValidation(form) {
  const fields = [...form.querySelectorAll(".field")]
    .map((wrapper) => ({ wrapper, input: wrapper.querySelector("input, select, textarea") }))
    .filter(({ input }) => input && input.name && input.name !== "slug");
  const touched = new Set(fields.filter(({ wrapper }) => wrapper.classList.contains("has-error"))
    .map(({ input }) => input.name));
  let timer;
  let request;
  let latest = 0;
  const render = ({ wrapper, input }, messages) => {
    wrapper.querySelectorAll(":scope > .error").forEach((node) => node.remove());
    wrapper.classList.toggle("has-error", messages.length > 0);
    const hint = wrapper.querySelector(":scope > .hint");
    const ids = hint && hint.id ? [hint.id] : [];
    messages.forEach((message, index) => {
      const error = document.createElement("p");
      error.className = "error";
      error.id = `${input.id}-error${index ? index + 1 : ""}`;
      error.textContent = message;
      wrapper.append(error);
      ids.push(error.id);
    });
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
    if (messages.length) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  const run = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (request) request.abort();
      request = new AbortController();
      const ticket = ++latest;
      try {
        const response = await fetch(form.dataset.liveValidate, {
          method: "POST", body: new FormData(form), signal: request.signal,
          headers: { Accept: "application/json" } });
        if (!response.ok) return; // an expired form: the real submit will say so
        const { errors } = await response.json();
        if (ticket !== latest) return;
        fields.forEach((field) => {
          if (touched.has(field.input.name)) render(field, errors[field.input.name] || []);
        });
      } catch (error) {
        // Offline or aborted: the server checks everything again on submit.
      }
    }, 300);
  };
  fields.forEach(({ input }) => {
    input.addEventListener("input", run);
    input.addEventListener("change", () => { touched.add(input.name); run(); });
    input.addEventListener("blur", () => { if (input.value) { touched.add(input.name); run(); } });
  });
}

// Menu buttons (WAI-ARIA "menu button" and "disclosure" patterns). Without this script they
// are <details> that open and close; with it, each <details data-menu> becomes a real
// <button aria-haspopup aria-expanded> and a popup:
// - data-menu="menu": a menu of links and buttons (Setup, More, the user menu). Enter, Space
//   or ArrowDown open it on the first item, ArrowUp on the last; arrows, Home and End move,
//   a letter jumps to the next item starting with it; Escape closes it and returns focus.
// - data-menu="dialog": a popup with a form (View, Columns). Opening it moves focus into it;
//   Escape closes it and returns focus to its button.
// A click outside, or focus leaving it, closes a popup; one popup is open at a time.
function enhanceMenus() {
  const popups = [];
  const closeAll = (except) => popups.forEach((popup) => { if (popup !== except) popup.close(false); });
  document.querySelectorAll("details[data-menu]").forEach((details, index) => {
    const summary = details.querySelector(":scope > summary");
    const panel = details.querySelector(":scope > .menu");
    if (!summary || !panel) return;
    const kind = details.dataset.menu;
    const wrapper = document.createElement("div");
    wrapper.className = `${details.className} menu-button`;
    wrapper.dataset.menuButton = kind;
    const button = document.createElement("button");
    button.type = "button";
    button.className = summary.className;
    button.id = summary.id || `menu-button-${index + 1}`;
    button.append(...summary.childNodes);
    panel.id = panel.id || `menu-popup-${index + 1}`;
    const list = kind === "menu" ? (panel.querySelector("[data-menu-items]") || panel) : panel;
    list.id = list.id || `menu-list-${index + 1}`;
    button.setAttribute("aria-haspopup", kind === "menu" ? "menu" : "dialog");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", list.id);
    if (kind === "menu") {
      list.setAttribute("role", "menu");
      list.setAttribute("aria-labelledby", button.id);
    } else {
      panel.setAttribute("role", "dialog");
      if (!panel.hasAttribute("aria-label")) panel.setAttribute("aria-labelledby", button.id);
    }
    const items = () => (kind === "menu" ? [...list.querySelectorAll("[role=menuitem]")] : []);
    if (kind === "menu") {
      list.querySelectorAll("a[href], button").forEach((item) => {
        item.setAttribute("role", "menuitem");
        item.tabIndex = -1;
      });
    }
    const focusables = () => [...panel.querySelectorAll(
      "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])")]
      .filter((node) => node.offsetParent !== null);
    const state = {
      open(focus) {
        closeAll(state);
        panel.hidden = false;
        wrapper.classList.add("open");
        button.setAttribute("aria-expanded", "true");
        if (kind === "menu") {
          const all = items();
          const target = focus === "last" ? all[all.length - 1] : all[0];
          if (target) target.focus();
        } else if (focus) {
          const first = panel.querySelector("[aria-invalid=true]") || focusables()[0];
          if (first) first.focus();
        }
      },
      close(returnFocus) {
        if (panel.hidden) return;
        panel.hidden = true;
        wrapper.classList.remove("open");
        button.setAttribute("aria-expanded", "false");
        if (returnFocus) button.focus();
      },
      isOpen: () => !panel.hidden,
      wrapper,
    };
    popups.push(state);
    panel.hidden = true;
    wrapper.append(button, panel);
    details.replaceWith(wrapper);
    if (details.open) state.open(false); // shown open by the server (a refused form)

    button.addEventListener("click", () => {
      if (state.isOpen()) state.close(true);
      else state.open(kind === "menu" ? "first" : true);
    });
    button.addEventListener("keydown", (event) => {
      if (kind !== "menu") return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        state.open(event.key === "ArrowUp" ? "last" : "first");
      }
    });
    wrapper.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && state.isOpen()) {
        event.preventDefault();
        state.close(true);
        return;
      }
      if (kind !== "menu" || !list.contains(event.target)) return;
      const all = items();
      const at = all.indexOf(document.activeElement);
      let next = null;
      if (event.key === "ArrowDown") next = all[(at + 1) % all.length];
      else if (event.key === "ArrowUp") next = all[(at - 1 + all.length) % all.length];
      else if (event.key === "Home") next = all[0];
      else if (event.key === "End") next = all[all.length - 1];
      else if (event.key === " " && document.activeElement.tagName === "A") { event.preventDefault(); document.activeElement.click(); return; }
      else if (event.key === "Tab") { state.close(false); return; }
      else if (event.key.length === 1 && /\S/.test(event.key)) {
        const letter = event.key.toLowerCase();
        const order = [...all.slice(at + 1), ...all.slice(0, at + 1)];
        next = order.find((item) => item.textContent.trim().toLowerCase().startsWith(letter)) || null;
      }
      if (next) { event.preventDefault(); next.focus(); }
    });
    wrapper.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !wrapper.contains(event.relatedTarget)) state.close(false);
    });
  });
  document.addEventListener("click", (event) => {
    popups.forEach((popup) => { if (popup.isOpen() && !popup.wrapper.contains(event.target)) popup.close(false); });
  });
}
