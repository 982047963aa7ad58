"""The Content-Security-Policy in a real browser (Debian's Chromium through Playwright, served from 127.0.0.1):
the pages and Pagefind's search run under it without one violation, as the <meta> tag alone and as the headers
`terbuka serve` sends (the README's); the policy is really enforced (an injected inline style and event handler
are refused and reported); and the hostile workspace's pages (test_portal/hostile.py) run nothing.

Skipped, with the reason, where /usr/bin/chromium is absent (`apt-get install chromium`)."""

from __future__ import annotations

import http.server
from urllib.parse import quote

import pytest

from publish.portal import csp
from publish.portal.server import PortalHandler
from tests.browser import chromium, needs_chromium, serving
from tests.test_portal.hostile import JS_ID, hostile_site  # noqa: F401

# One page of every template, and a few in English.
PAGES = ["", "katalog/", "katalog/topik/keuangan/", "datasets/apbd/", "datasets/apbd/1.1.0/",
         "datasets/kinerja/1.1.0/", "anggaran/", "anggaran/2024/perubahan/", "peraturan/", "peraturan/perda-2023-5/",
         "peraturan/jenis/peraturan-daerah/", "kinerja/", "kinerja/2024/1.02.0.00.0.00.01.0000/", "transparansi/",
         "transparansi/jadwal/", "cari/", "pengembang/", "en/", "en/datasets/apbd/", "en/anggaran/", "en/kinerja/"]
HOSTILE_PAGES = ["", "katalog/", "datasets/apbd/", "datasets/apbd/1.0.0/", "datasets/kinerja/1.1.0/",
                 "datasets/peraturan/", "anggaran/", "anggaran/2024/murni/", "peraturan/", "peraturan/perda-2023-5/",
                 "peraturan/perda-2024-3/", "kinerja/", "kinerja/2024/", "transparansi/", "pengembang/",
                 "en/datasets/apbd/", "en/peraturan/"]
# Runs before any script of a page (Playwright's init scripts are not subject to the page's policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile}));
"""

pytestmark = needs_chromium


class MetaOnly(http.server.SimpleHTTPRequestHandler):
    """A host that sends no security header: the pages' <meta> policy is all there is."""

    def log_message(self, *args):
        pass


class Headers(PortalHandler):
    """`terbuka serve`'s handler: the same files with csp.HEADERS."""


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def tab(browser):
    """A page that records CSP violations, console errors, uncaught errors and dialogs (alert, confirm)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))

    def dialog(d):
        page.problems.append(f"dialog {d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    yield page
    context.close()


def violations(page) -> list[dict]:
    return page.evaluate("window.__violations")


def visit(page, base: str, routes: list[str]) -> dict:
    """Load every route; {route: problems} for those with a violation, a console error or a dialog."""
    found = {}
    for route in routes:
        before = len(page.problems)
        response = page.goto(base + route)
        assert response.status == 200, route
        page.wait_for_load_state("load")
        seen = violations(page) + page.problems[before:]
        if seen:
            found[route] = seen[:5]
    return found


def search(page, base: str, route: str, query: str) -> int:
    page.goto(base + route)
    page.fill("#q", query)
    page.click("form#search-form button")
    page.wait_for_selector("#results li", timeout=15_000)
    return page.locator("#results li").count()


@pytest.mark.parametrize("handler", [MetaOnly, Headers], ids=["meta", "headers"])
def test_pages_run_under_the_policy_without_a_violation(tab, published, handler):
    ws, _ = published
    with serving(ws.site, handler) as base:
        assert visit(tab, base, PAGES) == {}
        tab.goto(base + "datasets/apbd/")
        # The site's own stylesheet applies (style-src 'self'): the header has the brand colour.
        assert tab.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor") \
            == "rgb(11, 61, 92)"
        if handler is Headers:
            headers = tab.request.get(base + "datasets/apbd/").headers
            assert headers["content-security-policy"] == csp.HEADER
            assert headers["x-content-type-options"] == "nosniff"


def test_the_meta_policy_is_enforced_and_reported(tab, published):
    """The control that keeps the other tests honest: with the <meta> policy alone, an inline style and an inline
    event handler put into a page are refused, and the refusals reach the listener the tests read."""
    ws, _ = published
    with serving(ws.site, MetaOnly) as base:
        tab.goto(base + "datasets/apbd/")
        assert violations(tab) == []
        outcome = tab.evaluate("""() => {
          const p = document.createElement("p");
          p.textContent = "x";
          document.querySelector("main").append(p);
          p.setAttribute("style", "color: rgb(255, 0, 0)");
          let handler = "set";
          try { p.setAttribute("onclick", "window.__ran = 1"); p.click(); } catch (e) { handler = e.name; }
          return {red: getComputedStyle(p).color === "rgb(255, 0, 0)", ran: window.__ran === 1, handler};
        }""")
        tab.wait_for_function("window.__violations.length >= 2")
        assert outcome["red"] is False and outcome["ran"] is False, outcome
        directives = {v["directive"] for v in violations(tab)}
        assert "style-src-attr" in directives, directives
        assert directives & {"require-trusted-types-for", "script-src-attr"}, directives


@pytest.mark.parametrize("handler", [MetaOnly, Headers], ids=["meta", "headers"])
def test_search_works_under_the_policy(tab, published, handler):
    ws, _ = published
    if not (ws.site / "pagefind" / "pagefind.js").is_file():
        pytest.skip("no Pagefind index was built: the search page's static list is checked elsewhere")
    with serving(ws.site, handler) as base:
        assert search(tab, base, "cari/", "anggaran") >= 1
        assert violations(tab) == [] and tab.problems == []
        tab.goto(base + "en/cari/?q=budget")
        tab.wait_for_selector("#results li", timeout=15_000)
        assert violations(tab) == [] and tab.problems == []


def test_hostile_pages_run_nothing_and_report_nothing(tab, hostile_site):
    with serving(hostile_site.site, Headers) as base:
        assert visit(tab, base, HOSTILE_PAGES) == {}
        # The regulation whose id is a script URL: its link is a path, and it leads to the regulation's page.
        tab.goto(base + "peraturan/")
        link = tab.locator(f'a[href="{quote(JS_ID, safe="")}/"]')
        assert link.count() == 2  # its own row, and the regulation that amends it
        link.first.click()
        assert tab.url == base + "peraturan/" + quote(JS_ID, safe="") + "/"
        assert "Nomor 99" in tab.locator("h1").inner_text()
        if (hostile_site.site / "pagefind" / "pagefind.js").is_file():
            assert search(tab, base, "cari/", "alert") >= 1
            assert tab.locator("#results a").first.inner_text()  # a title, shown as text
        assert violations(tab) == [] and tab.problems == [], (violations(tab), tab.problems)
