"""The portal in a real browser (Debian's Chromium through Playwright), served from 127.0.0.1.

Skipped, with the reason, where /usr/bin/chromium is absent (`apt-get install chromium`; .ci/run installs it)."""

from __future__ import annotations

import functools
import http.server
import threading
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["", "katalog/", "katalog/topik/keuangan/", "datasets/apbd/", "datasets/apbd/1.1.0/",
         "datasets/kinerja/1.1.0/", "anggaran/", "anggaran/2024/perubahan/", "peraturan/", "peraturan/perda-2023-5/",
         "kinerja/", "kinerja/2024/1.02.0.00.0.00.01.0000/", "cari/", "pengembang/", "en/", "en/datasets/apbd/",
         "en/anggaran/"]
AXE_PAGES = ["", "katalog/", "datasets/apbd/", "datasets/kinerja/1.1.0/", "anggaran/2024/perubahan/", "peraturan/",
             "peraturan/perda-2023-5/", "kinerja/", "cari/", "en/datasets/apbd/"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium): browser tests skipped")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(published):
    ws, _ = published
    handler = functools.partial(Quiet, directory=str(ws.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda m: tab.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(f"page error: {e}"))
    tab.on("requestfailed", lambda r: tab.problems.append(f"failed: {r.url}"))
    tab.on("response", lambda r: tab.problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    tab.on("request", lambda r: tab.problems.append(f"other host: {r.url}")
           if urlsplit(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
    yield tab
    context.close()


def test_pages_load_without_console_errors_or_foreign_requests(page, server):
    for route in PAGES:
        response = page.goto(server + route)
        assert response.status == 200, route
        assert page.locator("h1").count() == 1, route
    assert not page.problems, page.problems[:10]


def test_navigation_by_clicking(page, server):
    page.goto(server)
    nav = page.get_by_role("navigation", name="Navigasi utama")
    for label, heading in [("Katalog", "Katalog"), ("Anggaran", "Penjelajah anggaran"),
                           ("Peraturan", "Register peraturan"), ("Kinerja", "Capaian kinerja"), ("Cari", "Cari data")]:
        nav.get_by_role("link", name=label, exact=True).click()
        assert heading in page.locator("h1").inner_text()
    nav.get_by_role("link", name="Katalog", exact=True).click()
    page.locator(".card a").first.click()
    assert page.locator("#downloads").count() == 1
    nav.get_by_role("link", name="Beranda", exact=True).click()
    assert page.url == server
    assert not page.problems, page.problems


def test_language_switch_goes_to_the_same_page_in_the_other_language(page, server):
    page.goto(server + "datasets/apbd/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.locator("a.lang").click()
    assert page.url == server + "en/datasets/apbd/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Data dictionary" in page.content()
    page.locator("a.lang").click()
    assert page.url == server + "datasets/apbd/"


def test_search_page_finds_datasets(page, server, published):
    ws, _ = published
    page.goto(server + "cari/")
    assert page.locator("#fallback .card").count() == 4  # the no-JavaScript list is always there
    if not (ws.site / "pagefind" / "pagefind.js").is_file():
        pytest.skip("no Pagefind index was built: only the static list was checked")
    page.fill("#q", "anggaran")
    page.click("form#search-form button")
    page.wait_for_selector("#results li", timeout=10_000)
    assert page.locator("#results li").count() >= 1
    assert not page.problems, page.problems
    page.goto(server + "en/cari/?q=budget")
    page.wait_for_selector("#results li", timeout=10_000)
    assert not page.problems, page.problems


def test_every_download_link_resolves(page, server, published):
    ws, _ = published
    routes = [str(p.parent.relative_to(ws.site)) + "/" for p in ws.site.glob("datasets/*/*/index.html")]
    routes += [str(p.parent.relative_to(ws.site)) + "/" for p in ws.site.glob("datasets/*/index.html")]
    checked = set()
    for route in sorted(routes):
        page.goto(server + route)
        for href in page.eval_on_selector_all("a[download]", "els => els.map(e => e.href)"):
            if href in checked:
                continue
            checked.add(href)
            assert page.request.get(href).status == 200, href
    assert len(checked) > 20


def test_axe_core_finds_no_wcag_violations(browser, server):
    axe = pytest.importorskip("axe_playwright_python",
                              reason="axe-playwright-python (it ships axe-core) is not installed")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(resources.files(axe).joinpath("axe.min.js").read_text(encoding="utf-8"))
    tab = context.new_page()
    found = {}
    for route in AXE_PAGES:
        tab.goto(server + route)
        result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                              "resultTypes: ['violations']})", AXE_TAGS)
        if result["violations"]:
            found[route] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]]
    context.close()
    assert not found, found


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_and_no_sideways_scrolling(browser, server, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    for name, route in [("home", ""), ("dataset", "datasets/apbd/"), ("budget", "anggaran/")]:
        tab.goto(server + route)
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (route, width, overflow)
        tab.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    context.close()
