"""The new pages (scorecard, release calendar, a version page with its Fiscal Data Package) in a real browser:
no console error, no request to another host, no WCAG 2.1 AA violation found by axe-core, no sideways scroll on
a phone. Skipped, with the reason, where /usr/bin/chromium is absent."""

from __future__ import annotations

from importlib import resources
from urllib.parse import urlsplit

import pytest

from tests.browser import AXE_TAGS, chromium, needs_chromium

PAGES = ["transparansi/", "transparansi/2024/", "transparansi/jadwal/", "en/transparansi/2023/",
         "en/transparansi/jadwal/", "datasets/apbd/1.0.0/", "en/datasets/apbd/1.2.0/", "pengembang/"]

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


def test_new_pages_load_cleanly_and_pass_axe(browser, served):
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(resources.files(axe).joinpath("axe.min.js").read_text(encoding="utf-8"))
    tab = context.new_page()
    problems = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    tab.on("request", lambda r: problems.append(f"other host: {r.url}")
           if urlsplit(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
    found = {}
    for route in PAGES:
        tab.goto(f"{served['A']}/{route}")
        result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                              "resultTypes: ['violations']})", AXE_TAGS)
        if result["violations"]:
            found[route] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]]
    context.close()
    assert not problems, problems
    assert not found, found


def test_scorecard_fits_a_phone_without_sideways_scrolling(browser, served):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    tab = context.new_page()
    for route in ("transparansi/2024/", "transparansi/jadwal/"):
        tab.goto(f"{served['A']}/{route}")
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (route, overflow)
    context.close()


def test_no_broken_internal_links(regions):
    from publish.links import broken_links

    assert broken_links(regions["A"].site) == []
