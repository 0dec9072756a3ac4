// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Mobile navigation toggle.
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // Selects that save as soon as they change.
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });

  // Copy buttons.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const input = document.querySelector(button.dataset.copy);
      input.select();
      try { await navigator.clipboard.writeText(input.value); button.textContent = "Copied"; }
      catch { document.execCommand("copy"); }
    });
  });

  // Sign-up: suggest a subdomain from the company name and check it as the user types.
  const company = document.getElementById("company");
  const slug = document.getElementById("slug");
  const status = document.getElementById("slug-status");
  if (company && slug && status) {
    let edited = slug.value !== "";
    let timer;
    const suggest = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
    const check = () => {
      clearTimeout(timer);
      const value = slug.value.trim().toLowerCase();
      if (!value) { status.textContent = "Lowercase letters, digits and hyphens."; status.className = "hint"; return; }
      timer = setTimeout(async () => {
        try {
          const response = await fetch(`${slug.dataset.checkUrl}?slug=${encodeURIComponent(value)}`, { headers: { Accept: "application/json" } });
          const result = await response.json();
          if (slug.value.trim().toLowerCase() !== result.slug) return;
          status.textContent = result.available ? `✓ ${result.slug} is available` : result.message;
          status.className = result.available ? "hint ok" : "hint bad";
        } catch { /* the server check on submit still applies */ }
      }, 250);
    };
    company.addEventListener("input", () => { if (!edited) { slug.value = suggest(company.value); check(); } });
    slug.addEventListener("input", () => { edited = slug.value !== ""; check(); });
    if (slug.value) check();
  }
});
