// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
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

  // The user menu (a <details>) closes on Escape and on a click elsewhere, like a menu.
  const menus = document.querySelectorAll("details.usermenu");
  document.addEventListener("click", (event) => {
    menus.forEach((menu) => { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    menus.forEach((menu) => {
      if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
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
      button.textContent = copied ? "Copied ✓" : "Press Ctrl+C to copy";
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
      show("Checking…", "");
      timer = setTimeout(async () => {
        request = new AbortController();
        try {
          const response = await fetch(`${slug.dataset.checkUrl}?slug=${encodeURIComponent(value)}`, {
            headers: { Accept: "application/json" }, signal: request.signal });
          const result = await response.json();
          if (slug.value.trim().toLowerCase() !== result.slug) return;
          if (result.available) show(`✓ ${result.slug} is available`, "ok");
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
});
