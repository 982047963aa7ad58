"""Every money figure, percentage and count the portal renders equals a recomputation from the published Parquet
with DuckDB, in the words the page shows it; no page shows money or a percentage outside such a figure; and no
realisation rate appears without its coverage and its reporting date (see figures.py for the annotations)."""

from __future__ import annotations

import re

import pytest

from tests.test_portal.figures import MONEY, PERCENT, Recompute, as_date, expected_text, figures, tree, unannotated

RATES = {"rate", "rate_all"}


@pytest.fixture(scope="module")
def pages(published):
    ws, _ = published
    return {p.relative_to(ws.site).as_posix(): tree(p) for p in sorted(ws.site.rglob("*.html"))
            if "pagefind" not in p.parts}


@pytest.fixture(scope="module")
def recompute(published):
    ws, _ = published
    return Recompute(ws.site, ws.declarations)


def _close(measure: str, shown: float, computed: float) -> bool:
    # A moved total's percentage is stored rounded to two decimals (changes.json); every other is exact.
    tolerance = 0.006 if measure == "change" else 1e-6
    return abs(shown - computed) <= tolerance


def test_every_figure_equals_its_recomputation_from_the_parquet(pages, recompute):
    checked, problems = 0, []
    for route, root in pages.items():
        for fig in figures(root):
            if fig.measure == "posisi":
                continue
            computed = recompute.measure(fig)
            where = (route, fig.measure, fig.scope, fig.node.attrs.get("data-base"))
            if computed is None:
                problems.append((*where, "the data has no such figure", fig.value))
                continue
            if fig.measure in PERCENT or fig.measure in ("avg_achievement", "target", "realisasi"):
                ok = _close(fig.measure, float(fig.value), float(computed))
            else:
                ok = int(fig.value) == int(computed)
            if not ok:
                problems.append((*where, "value", fig.value, computed))
            for form, text in fig.spans().items():
                expected = expected_text(fig, computed, form)
                if text != expected:
                    problems.append((*where, form, text, expected))
            checked += 1
    assert not problems, problems[:10]
    assert checked > 2000, checked  # the explorer, drill-down, home, regulation, version and performance pages


def test_every_reporting_date_is_the_data_s_own(pages, recompute):
    checked = 0
    for route, root in pages.items():
        for span in (n for n in root.walk() if "posisi" in n.classes()):
            shown = [f for f in figures(span) if f.measure == "posisi"]
            undated = [f for f in figures(span) if f.measure == "undated"]
            probe = shown[0] if shown else (undated[0] if undated else None)
            assert probe is not None, (route, "a reporting-date statement with no date and no count")
            dates = recompute.measure(type(probe)(probe.node, "posisi", probe.scope, probe.lang))
            assert sorted(as_date(f.value) for f in shown) == dates, (route, probe.scope)
            for f in shown:
                assert f.spans()["text"] == expected_text(f, as_date(f.value), "text"), route
            checked += 1
    assert checked > 100


def test_no_realisation_rate_without_its_coverage_and_reporting_date(pages):
    rates = 0
    for route, root in pages.items():
        for fig in figures(root):
            if fig.measure not in RATES:
                continue
            rates += 1
            box = fig.container()
            assert box is not None, (route, fig.scope)
            inside = figures(box)
            assert any(f.measure == "cover" for f in inside), (route, fig.scope, "no coverage beside the rate")
            dated = [n for n in box.walk() if "posisi" in n.classes()]
            if box.tag == "tr":  # a table row: the table's caption states the date of its rows
                table = next(a for a in box.ancestors() if a.tag == "table")
                dated += [n for n in table.walk() if "posisi" in n.classes()]
            assert dated, (route, fig.scope, "no reporting date beside the rate")
    assert rates > 100


def test_no_money_or_percentage_outside_an_annotated_figure(pages):
    loose = {route: found for route, root in pages.items() if (found := unannotated(root))}
    assert not loose, dict(list(loose.items())[:5])


def test_an_unreported_line_is_never_counted_as_zero(pages):
    """The fixture's perubahan stage reports no realisation: its page says so and shows no rate and no realised
    zero. In 2024 murni one agency reports nothing: spending's rate on the reporting lines (80%) stands beside
    the lower rate on the whole budget, with the coverage that explains the gap."""
    perubahan = pages["anggaran/2024/perubahan/index.html"]
    assert not [f for f in figures(perubahan) if f.measure in RATES | {"realised"}]
    text = perubahan.text()
    assert "belum dilaporkan" in text
    assert not re.search(r"Rp 0(?![\d,.])|(?<![\d,.])0,0%", text)
    murni = pages["anggaran/2024/murni/index.html"]
    card = next(n for n in murni.walk() if n.tag == "li" and n.attrs.get("data-q") == "rek=5")
    shown = {f.measure: float(f.value) for f in figures(card) if f.measure in ("rate", "rate_all", "cover")}
    assert shown["rate"] == pytest.approx(80.0, abs=0.01)
    assert shown["rate_all"] < shown["rate"] and shown["cover"] < 100
    assert shown["rate_all"] == pytest.approx(shown["rate"] * shown["cover"] / 100)


def test_accounts_and_stages_are_never_added_together(published, pages):
    """Every money figure of a budget lies within one account (4 revenue, 5 spending, 6.1 financing receipts,
    6.2 financing outlays), one fiscal year and one stage."""
    ws, _ = published
    budgets = {d for d, decl in ws.declarations.items() if "budget" in (decl.descriptor.get("terbuka:views") or [])}
    checked = 0
    for route, root in pages.items():
        for fig in figures(root):
            if fig.measure not in MONEY or fig.scope.get("ds") not in budgets:
                continue
            scope = fig.scope
            rek = scope.get("rek", "")
            one_account = any(rek == a or rek.startswith(a + ".") for a in ("4", "5", "6.1", "6.2")) \
                or scope.get("account") in ("4", "5", "6.1", "6.2")
            assert one_account, (route, scope)
            assert "tahun" in scope and "tahap" in scope, (route, scope)
            checked += 1
    assert checked > 1000
