"""Portal views come from the declarations: a fourth, budget-like dataset gets its own working explorer, a
workspace without a regulation register renders without one, and a view the data cannot serve is refused."""

from __future__ import annotations

import json
import shutil

import pytest

from publish.declarations import DeclarationError
from publish.links import broken_links
from publish.portal import build_site
from publish.portal.formatting import money
from publish.workspace import Workspace
from tests.test_portal.markup import parse
from tests.test_portal.workspace import (PERATURAN, WILAYAH, apbd_rows, kinerja_rows, put, workspace)

DESA = "apbd_desa"  # the fourth dataset: village budgets, declared like apbd but with its own column names


def _edit(ws, dataset: str, change) -> None:
    path = ws.schemas / dataset / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def _village_budget(descriptor: dict) -> None:
    """apbd's declaration under another id, with `pagu` for anggaran (named by terbuka:totals) and `nama_opd`
    for nama_skpd (mapped by terbuka:roles)."""
    descriptor["name"] = DESA
    descriptor["title"] = "APBDes Kabupaten Sukamaju"
    descriptor["terbuka:title_en"] = "Village budgets of Sukamaju"
    descriptor["terbuka:totals"]["measure"] = "pagu"
    descriptor["terbuka:totals"]["labels"] = {"skpd": "nama_opd"}
    descriptor["terbuka:roles"] = {"nama_skpd": "nama_opd"}
    for f in descriptor["resources"][0]["schema"]["fields"]:
        f["name"] = {"anggaran": "pagu", "nama_skpd": "nama_opd"}.get(f["name"], f["name"])


def _rename_aliases(ws, dataset: str) -> None:
    """The header aliases follow the renamed fields (a declaration naming an undeclared field is refused)."""
    path = ws.schemas / dataset / "source.json"
    source = json.loads(path.read_text(encoding="utf-8"))
    source["headerAliases"] = {{"anggaran": "pagu", "nama_skpd": "nama_opd"}.get(k, k): v
                               for k, v in source["headerAliases"].items()}
    path.write_text(json.dumps(source, ensure_ascii=False, indent=2), encoding="utf-8")


def _main_navigation(path) -> str:
    html = path.read_text(encoding="utf-8")
    start = html.index('<nav aria-label="Navigasi utama"')
    return html[start:html.index("</nav>", start)]


def _renamed(rows: list[dict]) -> list[dict]:
    return [{{"anggaran": "pagu", "nama_skpd": "nama_opd"}.get(k, k): v for k, v in r.items()} for r in rows]


@pytest.fixture(scope="module")
def four_budgets(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("views") / "ws")
    shutil.copytree(ws.schemas / "apbd", ws.schemas / DESA)
    _edit(ws, DESA, _village_budget)
    _rename_aliases(ws, DESA)
    (ws.schemas / DESA / "fiscal.json").unlink()  # the village budget publishes no Fiscal Data Package
    ws = Workspace(ws.root)  # the declarations as they are now
    put(ws, "wilayah", WILAYAH, 1)
    put(ws, "peraturan", PERATURAN, 2)
    put(ws, "apbd", apbd_rows(2024, "murni", "perda-2023-5"), 3)
    put(ws, DESA, _renamed(apbd_rows(2024, "murni", "perda-2022-4", scale=0.1)), 4)
    put(ws, "kinerja", kinerja_rows(2024), 5)
    build_site(ws)
    return ws


def test_a_fourth_budget_dataset_gets_its_own_working_explorer(four_budgets):
    site = four_budgets.site
    explorer = (site / f"anggaran/{DESA}/2024/murni/index.html").read_text(encoding="utf-8")
    spending = sum(r["anggaran"] for r in apbd_rows(2024, "murni", "x", scale=0.1) if r["kode_rekening"][0] == "5")
    assert money(spending, "id", exact=True) in explorer  # its own figures, read from `pagu`
    assert "Dinas Kesehatan" in explorer  # agency names read from `nama_opd` through terbuka:roles
    assert "APBDes Kabupaten Sukamaju" in explorer and 'href="../../../../datasets/apbd_desa/"' in explorer
    assert 'href="../../../../peraturan/perda-2022-4/"' in explorer  # its legal basis, through its foreign key
    assert (site / f"en/anggaran/{DESA}/index.html").is_file()
    first = (site / "anggaran/2024/murni/index.html").read_text(encoding="utf-8")  # apbd keeps its routes
    assert f'href="../../{DESA}/"' in first
    cited = (site / "peraturan/perda-2022-4/index.html").read_text(encoding="utf-8")
    assert f'href="../../anggaran/{DESA}/2024/murni/"' in cited
    dataset = (site / f"datasets/{DESA}/index.html").read_text(encoding="utf-8")
    assert f'href="../../anggaran/{DESA}/"' in dataset
    nav = _main_navigation(site / "index.html")
    assert nav.count('href="anggaran/"') == 1 and DESA not in nav  # one entry for the section, not one per budget
    assert not broken_links(site)
    for path in (site / "anggaran" / DESA).rglob("*.html"):
        page = parse(path)
        assert not page.problems and not page.stack, path


@pytest.fixture(scope="module")
def no_register(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("views") / "ws")
    shutil.rmtree(ws.schemas / "peraturan")

    def without_register(descriptor: dict) -> None:
        schema = descriptor["resources"][0]["schema"]
        schema["foreignKeys"] = [fk for fk in schema["foreignKeys"] if fk["reference"]["resource"] != "peraturan"]

    _edit(ws, "apbd", without_register)
    put(ws, "wilayah", WILAYAH, 1)
    put(ws, "apbd", apbd_rows(2024, "murni", "perda-2023-5"), 3)
    put(ws, "kinerja", kinerja_rows(2024), 5)
    return ws


def test_a_workspace_without_regulations_renders_without_them(no_register, caplog):
    with caplog.at_level("WARNING", logger="publish.portal"):
        build_site(no_register)
    assert not [r.getMessage() for r in caplog.records]  # no undefined value, nothing half-rendered
    site = no_register.site
    assert not (site / "peraturan").exists() and not (site / "en/peraturan").exists()
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.relative_to(site).parts:
            continue
        assert not [ref for _, _, ref in parse(path).refs if "peraturan/" in ref], path
    nav = _main_navigation(site / "index.html")
    assert "Peraturan" not in nav and 'href="anggaran/"' in nav and 'href="kinerja/"' in nav
    explorer = (site / "anggaran/2024/murni/index.html").read_text(encoding="utf-8")
    assert "perda-2023-5" in explorer and "tidak ada di register" not in explorer
    assert not broken_links(site)


def test_a_view_the_data_cannot_serve_is_refused_with_a_reason(tmp_path):
    ws = workspace(tmp_path)
    _edit(ws, "wilayah", lambda d: d.update({"terbuka:views": ["performance"]}))
    with pytest.raises(DeclarationError, match=r"wilayah/datapackage.json.*'tahun'.*role 'tahun'"):
        build_site(Workspace(ws.root))
    _edit(ws, "wilayah", lambda d: d.update({"terbuka:views": ["map"]}))
    with pytest.raises(DeclarationError, match="map"):  # refused when the declaration is read
        build_site(Workspace(ws.root))
