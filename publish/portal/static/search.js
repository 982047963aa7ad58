// Progressive enhancement for /cari/: the query lives in the address (cari/?q=...), so a search can be shared
// and the back button works; results come from the local Pagefind index, 20 at a time, every one reachable.
// Without JavaScript or without the index, the static list of datasets stays.
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const section = document.getElementById("results-section");
const list = document.getElementById("results");
const status = document.getElementById("results-status");
const more = document.getElementById("results-more");
const root = form ? form.dataset.root : "";
const PAGE = 20;
const words = document.documentElement.lang === "en"
  ? {none: "No results.", some: (n, shown) => `${n} results; showing ${shown}.`,
     off: "Search index not available; use the catalogue."}
  : {none: "Tidak ada hasil.", some: (n, shown) => `${n} hasil; ditampilkan ${shown}.`,
     off: "Indeks pencarian tidak tersedia; gunakan katalog."};
let pagefind = null;
let found = [];
let shown = 0;

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

// Pagefind marks the matched words with <mark>; everything else of the excerpt is shown as text.
function excerpt(text) {
  const p = document.createElement("p");
  const parts = text.split(/<mark>(.*?)<\/mark>/);
  parts.forEach((part, i) => {
    const plain = part.replace(/<[^>]+>/g, "");
    if (i % 2) {
      const m = document.createElement("mark");
      m.textContent = plain;
      p.append(m);
    } else {
      p.append(document.createTextNode(plain));
    }
  });
  return p;
}

async function showMore() {
  const next = found.slice(shown, shown + PAGE);
  const items = await Promise.all(next.map((r) => r.data()));
  for (const item of items) {
    const li = document.createElement("li");
    li.className = "card";
    const h = document.createElement("h3");
    const a = document.createElement("a");
    a.href = item.url;
    a.textContent = (item.meta && item.meta.title) || item.url;
    h.append(a);
    li.append(h, excerpt(item.excerpt || ""));
    list.append(li);
  }
  shown += next.length;
  status.textContent = found.length ? words.some(found.length, shown) : words.none;
  more.hidden = shown >= found.length;
}

async function run(query) {
  const pf = await load();
  section.hidden = false;
  list.replaceChildren();
  found = [];
  shown = 0;
  more.hidden = true;
  if (!pf) { status.textContent = words.off; return; }
  found = (await pf.search(query)).results;
  await showMore();
}

if (form && input) {
  // The form is sent as GET: the browser puts the query in the address, and this script reads it back.
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
  more.addEventListener("click", () => showMore());
}
