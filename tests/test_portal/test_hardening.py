"""Portal hardening: every page carries the Content-Security-Policy and nothing it forbids, and script payloads
in any text field (declarations, terbuka.json, data cells, file names, notes) stay text in every file the
portal writes: pages, feeds, catalogues, data.json, the CKAN API, the JDIH feed and the sitemap.

The hostile workspace is tests/test_portal/hostile.py; the browser side of the same checks is test_csp.py."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import pytest
import rdflib
from defusedxml import ElementTree as SafeET

from publish.portal import csp
from publish.portal.render import script_json, width_class
from publish.portal.urls import placeable, relative, slug, web_link
from publish.portal.xmldoc import document
from tests.test_portal.hostile import (JS_ID, JS_URL, OUTSIDE_FILE, PAYLOAD, SOURCE, hostile,  # noqa: F401
                                       hostile_site)

ROOT = Path(__file__).resolve().parents[2]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "ping"}
BINARY = {".parquet", ".xlsx", ".pagefind", ".pf_meta", ".pf_index", ".pf_fragment"}
IN_XML = PAYLOAD.replace("\x0b", " ")  # XML 1.0 has no vertical tab: the feeds write a space


# --- reading what the portal wrote --------------------------------------------------------------------------

def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def tree(path: Path):
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def text_of(root) -> str:
    """The text a reader sees (the <title> included): every text node outside <script> and <style>."""
    out = []

    def walk(el):
        if isinstance(el.tag, str) and local(el.tag) not in ("script", "style"):
            out.append(el.text or "")
            for child in el:
                walk(child)
        out.append(el.tail or "")

    walk(root)
    return "".join(out)


def scheme(url: str) -> str:
    """The scheme a browser sees: it drops ASCII whitespace and controls anywhere in a URL first."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def inert_problems(path: Path) -> list[str]:
    """What in a page could run or style anything beyond the site's own files: a script other than the JSON-LD
    block and the search module, an event-handler or style attribute, a <style> element, a script URL."""
    found = []
    root = tree(path)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = local(el.tag)
        for name, value in el.attrib.items():
            name = local(name).lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name == "style":
                found.append(f"<{tag} style=...>")
            if name in URL_ATTRIBUTES and scheme(value) not in ("", "http", "https", "mailto") \
                    and not (tag == "link" and value == "data:,"):
                found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            found.append("<style>")
        if tag == "script":
            if el.get("type") == "application/ld+json" and "src" not in el.attrib:
                json.loads(el.text or "")
                if "<" in (el.text or ""):
                    found.append("a raw < inside JSON-LD")
            elif not (el.get("type") == "module" and (el.get("src") or "").endswith("assets/search.js")
                      and not (el.text or "").strip()):
                found.append(f"<script {dict(el.attrib)}>{(el.text or '')[:40]}")
    return found


def json_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in json_strings(k) + json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return [value] if isinstance(value, str) else []


def json_urls(value, key: str = "") -> list[str]:
    """String values under keys that name a URL (url, urlDownload, contentUrl, downloadURL...)."""
    if isinstance(value, dict):
        return [u for k, v in value.items() for u in json_urls(v, k)]
    if isinstance(value, list):
        return [u for v in value for u in json_urls(v, key)]
    return [value] if isinstance(value, str) and "url" in key.lower() and value else []


# --- the policy on every page ------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_every_page_starts_its_head_with_the_policy_and_holds_nothing_it_forbids(which, published, hostile_site):
    site = published[0].site if which == "sample" else hostile_site.site
    pages = html_pages(site)
    assert len(pages) > 50
    problems = {}
    for path in pages:
        head = tree(path).find("head")
        first, second = list(head)[:2]
        assert local(first.tag) == "meta" and first.get("charset") == "utf-8", path
        assert local(second.tag) == "meta" and second.get("http-equiv") == "Content-Security-Policy", path
        assert second.get("content") == csp.POLICY, path
        found = inert_problems(path)
        if found:
            problems[str(path.relative_to(site))] = found[:5]
    assert not problems, problems


def test_the_policy_forbids_inline_script_and_style_and_allows_only_the_site():
    directives = dict(d.split(" ", 1) for d in csp.DIRECTIVES)
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp.POLICY and "'unsafe-eval'" not in csp.POLICY and "*" not in csp.POLICY
    assert "frame-ancestors" not in csp.POLICY  # ignored in <meta>: a header says it
    assert csp.HEADER == csp.POLICY + "; frame-ancestors 'none'"


def test_readme_gives_the_same_policy_as_a_header():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, value in csp.HEADERS.items():
        assert f'add_header {name} "{value}" always;' in readme, name


def test_every_bar_width_class_is_in_the_stylesheet(published, hostile_site):
    css = (published[0].site / "assets" / "style.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"\.(w-\d+)\{width:", css))
    assert defined == {f"w-{n}" for n in range(101)}
    used = set()
    for site in (published[0].site, hostile_site.site):
        for path in html_pages(site):
            used |= set(re.findall(r'class="b-(?:plan|real) (w-\d+)"', path.read_text(encoding="utf-8")))
    assert used and used <= defined


# --- payloads stay text: pages ------------------------------------------------------------------------------

def test_payloads_reach_the_pages_as_text(hostile_site):
    site = hostile_site.site
    title = json.loads((hostile_site.root / "schemas/apbd/datapackage.json").read_text(encoding="utf-8"))["title"]
    publisher = hostile_site.config["publisher"]["name"]
    expected = {
        "index.html": [hostile_site.config["title"]["id"], publisher],
        "datasets/apbd/index.html": [title, publisher, PAYLOAD],  # heading, footer, keywords and dictionary
        "datasets/apbd/1.0.0/index.html": [SOURCE, hostile("Realisasi melebihi")],
        "datasets/kinerja/1.1.0/index.html": [hostile("Salah ketik")],
        "anggaran/2024/murni/index.html": [hostile("Dinas Kesehatan")],
        "kinerja/2024/index.html": [hostile("Dinas Kesehatan")],
        "peraturan/index.html": [hostile("Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2024")],
        "peraturan/perda-2023-5/index.html": [JS_URL, hostile("APBD")],
        "en/datasets/apbd/index.html": [hostile_site.declaration("apbd").title["en"]],
    }
    for page, texts in expected.items():
        seen = text_of(tree(site / page))
        for text in texts:
            assert text in seen, (page, text)


def test_a_script_url_from_the_data_never_becomes_a_link(hostile_site):
    site = hostile_site.site
    for page in ("peraturan/perda-2023-5/index.html", "peraturan/perda-2024-3/index.html",
                 "peraturan/perda-2022-4/index.html"):
        links = [a.get("href") for a in tree(site / page).iter("a")]
        assert links and not [h for h in links if scheme(h) not in ("", "http", "https", "mailto")], page
        assert not [h for h in links if "javascript" in h.lower() and not h.endswith("%252F%252F/")], page


def test_an_id_that_is_a_script_url_is_linked_as_a_path_to_its_own_page(hostile_site):
    site = hostile_site.site
    own = site / "peraturan" / JS_ID / "index.html"
    assert own.is_file()
    base = "https://portal.example/"
    for page in ("peraturan/index.html", "en/peraturan/index.html", "peraturan/perda-2024-3/index.html",
                 "datasets/peraturan/index.html", "anggaran/2024/murni/index.html"):
        hrefs = [a.get("href") for a in tree(site / page).iter("a") if "javascript" in (a.get("href") or "")]
        assert hrefs, page
        for href in hrefs:
            assert scheme(href) == "", (page, href)
            target = unquote(urlsplit(urljoin(base + page, href)).path).lstrip("/")
            assert target.endswith(f"peraturan/{JS_ID}/") and (site / target / "index.html").is_file(), (page, href)


def test_a_dot_id_writes_no_page_over_another_or_outside_the_site(hostile_site):
    site = hostile_site.site
    home = tree(site / "index.html")
    assert home.find("head/title").text.startswith("Beranda · ")
    assert not (hostile_site.root.parent / OUTSIDE_FILE).exists()
    assert not (site / "outside").exists() and not (hostile_site.root / "outside").exists()
    listed = (site / ".portal-files").read_text(encoding="utf-8").split("\n")
    assert not [p for p in listed if ".." in p.split("/")]
    assert "peraturan/../" not in (site / "sitemap.xml").read_text(encoding="utf-8")


# --- payloads stay text: feeds, catalogues, APIs ----------------------------------------------------------

def test_feeds_and_sitemap_parse_and_hold_the_payload_only_as_text(hostile_site):
    site = hostile_site.site
    files = [site / "feed.xml", site / "sitemap.xml"] + sorted(site.glob("datasets/*/feed.xml"))
    publisher = hostile_site.config["publisher"]["name"].replace("\x0b", " ")
    for path in files:
        root = SafeET.parse(path).getroot()
        tags = {local(el.tag) for el in root.iter()}
        assert not tags & {"script", "img", "svg", "iframe"}, path
        for el in root.iter():
            for name in ("href",):
                if el.get(name):
                    assert scheme(el.get(name)) in ("http", "https"), (path, el.get(name))
    feed = SafeET.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.find("a:author/a:name", ns).text == publisher
    titles = [e.text for e in feed.findall("a:entry/a:title", ns)]
    assert any(t.startswith(hostile_site.declaration("apbd").title["id"].replace("\x0b", " ")) for t in titles)
    assert any(IN_XML in t for t in titles)
    locs = [e.text for e in SafeET.parse(site / "sitemap.xml").getroot().findall(".//{*}loc")]
    assert any(loc.endswith("peraturan/javascript%3Aalert%281%29%252F%252F/") for loc in locs)


def test_turtle_catalogue_parses_with_the_titles_as_literals_and_only_web_iris(hostile_site):
    graph = rdflib.Graph().parse(hostile_site.site / "catalog.ttl", format="turtle")
    title = hostile_site.declaration("apbd").title
    assert rdflib.Literal(title["id"], lang="id") in set(graph.objects())
    assert rdflib.Literal(hostile_site.config["publisher"]["name"]) in set(graph.objects())
    iris = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    assert {urlsplit(i).scheme for i in iris} <= {"http", "https", "mailto"}


def test_every_json_file_parses_and_holds_the_payload_as_data(hostile_site):
    site = hostile_site.site
    candidates = [p for p in site.rglob("*") if p.is_file() and "pagefind" not in p.parts
                  and (p.suffix in (".json", ".jsonld") or "api" in p.parts)]
    assert len(candidates) > 20
    seen = {}
    for path in candidates:
        doc = json.loads(path.read_text(encoding="utf-8"))
        seen[str(path.relative_to(site))] = strings = json_strings(doc)
        for url in json_urls(doc):
            assert scheme(url) in ("http", "https", "mailto"), (path, url)
        assert not [s for s in strings if s.strip().lower().startswith("javascript:") and s != JS_ID], path
    title = hostile_site.declaration("apbd").title["id"]
    for path in ("data.json", "catalog.jsonld", "api/3/action/package_show/apbd.json",
                 "api/3/action/package_search-start-0.json", "datasets/apbd/1.0.0/datapackage.json"):
        assert any(title in s for s in seen[path]), path
    assert hostile_site.config["publisher"]["name"] in seen["api/3/action/organization_show/" +
                                                            _organisation(site) + ".json"]
    jdih = json.loads((site / "api/jdih.json").read_text(encoding="utf-8"))
    assert {r["urlDownload"] for r in jdih} == {""} and {r["fileDownload"] for r in jdih} == {""}
    assert any(r["judul"] == hostile("Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2024") for r in jdih)


def _organisation(site: Path) -> str:
    return json.loads((site / "api/3/action/organization_list.json").read_text(encoding="utf-8"))["result"][0]


def test_no_generated_text_file_holds_an_unescaped_payload_outside_data_files(hostile_site):
    """A raw <script> may sit only where it is data read as data (CSV, JSON, JSON-LD, Turtle); in HTML and XML
    it is always escaped."""
    site = hostile_site.site
    for path in site.rglob("*"):
        if not path.is_file() or "pagefind" in path.parts or path.suffix in BINARY:
            continue
        if path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "<script>alert" not in text and "<img src=x" not in text and "<svg onload" not in text, path


# --- the helpers that do the escaping ------------------------------------------------------------------------

def test_json_ld_cannot_close_or_hide_its_script_element():
    doc = {"name": "</script><!--<script>alert(1)</script> & ]]> </SCRIPT >", "n": [1, "<"]}
    text = script_json(doc)
    assert not set(text) & set("<>&") and json.loads(text) == doc
    page = html5lib.parse(f'<head><script type="application/ld+json">{text}</script></head><body><p>after</p>',
                          treebuilder="etree", namespaceHTMLElements=False)
    scripts = list(page.iter("script"))
    assert len(scripts) == 1 and json.loads(scripts[0].text) == doc
    assert [p.text for p in page.iter("p")] == ["after"]  # the page after the block is still the page


def test_a_relative_link_never_starts_with_a_scheme():
    for target in ("peraturan/javascript:alert(1)%2F%2F/", "peraturan/JavaScript:alert(1)/", "peraturan/a:b/",
                   "peraturan/data:text/html,x/", "peraturan/?q=1/", "peraturan/#x/"):
        for here in ("peraturan/", "en/peraturan/", "peraturan/perda-2023-5/", ""):
            href = relative(here, target)
            assert scheme(href) == "" and "?" not in href and "#" not in href, (here, target, href)
            resolved = unquote(urlsplit(urljoin("https://h.example/" + here, href)).path)
            assert resolved == "/" + target, (here, target, href, resolved)
    assert relative("katalog/", "datasets/apbd/") == "../datasets/apbd/"  # ordinary routes are unchanged


def test_routes_that_leave_their_folder_are_not_placeable():
    for route in ("peraturan/../", "peraturan/../../../x/", "../x/", "/etc/", "a//b/", "peraturan/./",
                  "a\\..\\b/", "a\0/"):
        assert not placeable(route), route
    for route in ("", "peraturan/", "peraturan/perda-2023-5/", "peraturan/javascript:alert(1)%2F%2F/", "x.json",
                  "peraturan/...x/"):
        assert placeable(route), route
    assert slug("..") == "x" and slug(".") == "x" and slug("Dinas P.U.") == "dinas-p.u."


def test_only_web_addresses_become_links():
    assert web_link("https://jdih.example.go.id/a.pdf") == "https://jdih.example.go.id/a.pdf"
    assert web_link(" http://x.example/ ") == "http://x.example/"
    for url in (JS_URL, " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>",
                "vbscript:x", "//evil.example/x", "https:/no-host", "", None, "ftp://x.example/"):
        assert web_link(url) is None, url


def test_bar_widths_are_whole_percent_classes_within_the_track():
    assert [width_class(v) for v in (0, 12.4, 12.5, 99.6, 100, 250, -3, None, float("nan"), "x")] == \
        ["w-0", "w-12", "w-13", "w-100", "w-100", "w-100", "w-0", "w-0", "w-0", "w-0"]


def test_xml_documents_drop_characters_xml_cannot_hold():
    root = ET.Element("feed", {"title": "a\x0bb"})
    ET.SubElement(root, "name").text = "Dinas\x0bKominfo\x00 ]]> <script>"
    text = document(root)
    parsed = SafeET.fromstring(text.encode("utf-8"))
    assert parsed.find("name").text == "Dinas Kominfo  ]]> <script>" and parsed.get("title") == "a b"
