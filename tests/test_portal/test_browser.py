"""The portal in a real browser (Debian's Chromium through Playwright), served from 127.0.0.1.

Skipped, with the reason, where /usr/bin/chromium is absent (`apt-get install chromium`; .ci/run installs it)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser import AXE_TAGS, chromium, needs_chromium, serving

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
PAGES = ["", "katalog/", "katalog/topik/keuangan/", "datasets/apbd/", "datasets/apbd/1.1.0/",
         "datasets/kinerja/1.1.0/", "anggaran/", "anggaran/2024/perubahan/", "peraturan/", "peraturan/perda-2023-5/",
         "kinerja/", "kinerja/2024/1.02.0.00.0.00.01.0000/", "cari/", "pengembang/", "en/", "en/datasets/apbd/",
         "en/anggaran/"]
AXE_PAGES = ["", "katalog/", "datasets/apbd/", "datasets/kinerja/1.1.0/", "anggaran/2024/perubahan/", "peraturan/",
             "peraturan/perda-2023-5/", "kinerja/", "cari/", "en/datasets/apbd/", "glosarium/"]
# The pages the acceptance names: home, the explorer, a drill-down page, a regulation and a version page.
ACCEPTANCE = {"home": "", "explorer": "anggaran/2024/murni/", "drilldown": "anggaran/2024/murni/urusan/1/",
              "regulation": "peraturan/perda-2023-5/", "version": "datasets/apbd/1.1.0/"}
WIDTHS = (360, 1366)
# More pages checked against every axe-core rule, at one width: the dataset page and the explorer's overview
# (where landmark-unique was once reported), the glossary, a performance page, search.
MORE_AXE = ["datasets/apbd/", "anggaran/", "anggaran/2024/perubahan/", "glosarium/",
            "kinerja/2024/1.02.0.00.0.00.01.0000/", "cari/"]

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(published):
    ws, _ = published
    with serving(ws.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


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


def _money_off_screen(tab) -> list:
    """Money figures a reader cannot see without scrolling sideways: a table holding them that is wider than its
    box, or a figure past the right edge of the window."""
    return tab.evaluate("""() => {
        const out = [];
        for (const box of document.querySelectorAll('.scroll')) {
            if (box.querySelector('data[data-m]') && box.scrollWidth > box.clientWidth + 1)
                out.push('table wider than the screen: ' + box.getAttribute('aria-label'));
        }
        for (const d of document.querySelectorAll('main data[data-m]')) {
            const r = d.getBoundingClientRect();
            if (r.width > 0 && r.right > window.innerWidth + 1) out.push('off screen: ' + d.textContent);
        }
        return out.slice(0, 5);
    }""")


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_show_every_money_column(browser, server, width):
    """Screenshots of the acceptance pages in both languages into test-artifacts/portal/, with no sideways
    scrolling and every money column on screen."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    for name, route in ACCEPTANCE.items():
        for prefix in ("", "en/"):
            tab.goto(server + prefix + route)
            overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (prefix + route, width, overflow)
            assert not _money_off_screen(tab), (prefix + route, width, _money_off_screen(tab))
            shot = ARTIFACTS / f"{name}{'-en' if prefix else ''}-{width}.png"
            tab.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
    context.close()


def test_axe_core_finds_no_violation_on_the_acceptance_pages_in_both_languages(browser, server):
    """Every rule axe-core runs by default (WCAG 2.1 A and AA and its best practices, landmark-unique among
    them), on the acceptance pages in Indonesian and English, at both widths."""
    axe = pytest.importorskip("axe_playwright_python",
                              reason="axe-playwright-python (it ships axe-core) is not installed")
    found = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_init_script(resources.files(axe).joinpath("axe.min.js").read_text(encoding="utf-8"))
        tab = context.new_page()
        for route in [*ACCEPTANCE.values(), *(MORE_AXE if width == WIDTHS[-1] else [])]:
            for prefix in ("", "en/"):
                tab.goto(server + prefix + route)
                result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                if result["violations"]:
                    found[(width, prefix + route)] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                                                      for v in result["violations"]]
        context.close()
    assert not found, found


def test_search_keeps_the_query_in_the_address_and_reaches_every_result(page, server, published):
    ws, _ = published
    if not (ws.site / "pagefind" / "pagefind.js").is_file():
        pytest.skip("no Pagefind index was built")
    page.goto(server + "cari/")
    page.fill("#q", "anggaran")
    page.click("form#search-form button")
    page.wait_for_selector("#results li", timeout=10_000)
    assert "q=anggaran" in page.url  # the search can be shared as a link
    status = page.locator("#results-status").inner_text()
    total = int(status.split()[0].replace(".", ""))
    more = page.locator("#results-more")
    while more.is_visible():
        more.click()
        page.wait_for_timeout(200)
    assert page.locator("#results li").count() == total > 20
    excerpts = page.locator("#results li p").all_inner_texts()
    assert not [e for e in excerpts if "tahuntahap" in e.replace(" ", "")]
    assert not page.problems, page.problems
