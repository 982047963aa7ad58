// Progressive enhancement for /cari/: query the local Pagefind index; without it the static list stays.
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const section = document.getElementById("results-section");
const list = document.getElementById("results");
const status = document.getElementById("results-status");
const root = form ? form.dataset.root : "";
const words = document.documentElement.lang === "en"
  ? {none: "No results.", some: (n) => `${n} results.`, off: "Search index not available; use the catalogue."}
  : {none: "Tidak ada hasil.", some: (n) => `${n} hasil.`, off: "Indeks pencarian tidak tersedia; gunakan katalog."};
let pagefind = null;

// Trusted Types (the CSP's require-trusted-types-for 'script'): the only string this page may turn into a script
// URL is Pagefind's own worker, in this site's pagefind/ folder; HTML and script text are never made from strings.
if (window.trustedTypes && form) {
  const allowed = new URL(root + "pagefind/", document.baseURI).href;
  trustedTypes.createPolicy("default", {
    createScriptURL: (url) => {
      const href = new URL(url, document.baseURI).href;
      return href.startsWith(allowed) ? href : null;  // URL() has already resolved any ../
    },
  });
}

async function load() {
  if (pagefind === null) {
    try {
      pagefind = await import(new URL(root + "pagefind/pagefind.js", document.baseURI).href);
      await pagefind.options({ baseUrl: new URL(root, document.baseURI).pathname });
    } catch (err) {
      pagefind = false;
    }
  }
  return pagefind;
}

async function run(query) {
  const pf = await load();
  section.hidden = false;
  list.replaceChildren();
  if (!pf) { status.textContent = words.off; return; }
  const found = await pf.search(query);
  const items = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
  status.textContent = items.length ? words.some(found.results.length) : words.none;
  for (const item of items) {
    const li = document.createElement("li");
    li.className = "card";
    const h = document.createElement("h3");
    const a = document.createElement("a");
    a.href = item.url;
    a.textContent = (item.meta && item.meta.title) || item.url;
    h.append(a);
    const p = document.createElement("p");
    p.textContent = item.excerpt.replace(/<[^>]+>/g, "");
    li.append(h, p);
    list.append(li);
  }
}

if (form && input) {
  form.addEventListener("submit", (event) => { event.preventDefault(); run(input.value.trim()); });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
}
