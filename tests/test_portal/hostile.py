"""A published workspace whose every text field carries script payloads, for the portal hardening tests.

The payloads sit where people other than the portal's authors write text: the declarations (titles,
descriptions, keywords, field titles, sources, licence), terbuka.json (title, publisher name and e-mail, region),
the cells of every dataset, the names of the files sent, a validation note and a withdrawal reason. The
regulation register's declaration loses its id pattern, as a region may declare its own register, so ids
reach the routes as they are: one is a javascript: URL that would run if it became a link's scheme, two are
made of "..". The data is released with write_release directly, as test_portal/workspace.py does, so no check
of the pipeline stands between the payloads and the portal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from publish.portal import build_site
from publish.releases import withdraw
from publish.workspace import Workspace
from tests.test_portal import workspace as sample

# One string holding every way out of a context the portal writes into: an element (HTML), a double- or
# single-quoted attribute, a <script> element, an HTML comment, a CDATA section, an entity; and a vertical
# tab, which Word writes for a soft line break and XML 1.0 does not allow.
PAYLOAD = ("<script>alert(1)</script> \"><img src=x onerror=alert(1)> '><svg onload=alert(1)> "
           "</script><!--<script> ]]> &amp; \x0b{{7*7}}")
JS_URL = "javascript:alert(1)"
# A regulation id that, were it a link's first path segment unencoded, is a script URL: %2F%2F decodes to //,
# which comments out whatever the link adds after it.
JS_ID = "javascript:alert(1)%2F%2F"
OVER_HOME = ".."  # peraturan/../ is the site's root: the page would overwrite the home page
OUTSIDE = "../../../outside"  # peraturan/../../../outside/ lies beside the workspace, outside site/
OUTSIDE_FILE = "outside/index.html"  # where that page would land, relative to the workspace's parent
SOURCE = "sipd\"><img src=x onerror=alert(1)><script>alert(1)</script>.xlsx"


def hostile(text: str) -> str:
    return f"{text} {PAYLOAD}"


def _poison_declaration(path: Path, drop_id_pattern: bool = False) -> None:
    decl = json.loads(path.read_text(encoding="utf-8"))
    for key in ("title", "description", "terbuka:title_en", "terbuka:description_en"):
        decl[key] = hostile(decl[key])
    decl["keywords"] = decl["keywords"] + [PAYLOAD]
    for part in ("sources", "licenses", "contributors"):
        for item in decl.get(part) or []:
            item["title"] = hostile(item["title"])
    for field in decl["resources"][0]["schema"]["fields"]:
        field["title"] = hostile(field["title"])
        field["description"] = hostile(field["description"])
        if drop_id_pattern and field["name"] == "id":
            field["constraints"].pop("pattern")
    path.write_text(json.dumps(decl, ensure_ascii=False, indent=1), encoding="utf-8")


def _poison_config(path: Path) -> None:
    config = json.loads(path.read_text(encoding="utf-8"))
    config["title"] = {lang: hostile(text) for lang, text in config["title"].items()}
    config["description"] = {lang: hostile(text) for lang, text in config["description"].items()}
    config["publisher"]["name"] = hostile(config["publisher"]["name"])
    config["publisher"]["email"] = "data\"><script>alert(1)</script>@sukamaju.example.go.id"
    config["region"]["nama"] = hostile(config["region"]["nama"])
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")


def _regulations() -> list[dict]:
    rows = [dict(r) for r in sample.PERATURAN]
    for r in rows:
        for key in ("judul", "nomor", "subjek", "bidang_hukum"):
            r[key] = hostile(str(r[key] or ""))
        r["url_dokumen"] = JS_URL
    rows[1]["url_dokumen"] = " JaVaScRiPt:alert(1)"
    rows[2]["url_dokumen"] = "data:text/html,<script>alert(1)</script>"
    rows[1]["mengubah"] = JS_ID  # a relation: the register and both pages link to the id
    base = {**sample.PERATURAN[2], "judul": hostile("Peraturan dengan id berbahaya"), "url_dokumen": None}
    rows += [{**base, "id": JS_ID, "nomor": "99"}, {**base, "id": OVER_HOME, "nomor": "98"},
             {**base, "id": OUTSIDE, "nomor": "97"}]
    return rows


def _budget() -> list[dict]:
    rows = sample.apbd_rows(2024, "murni", JS_ID)
    for r in rows:
        for key in ("nama_skpd", "nama_urusan", "nama_program", "nama_kegiatan", "nama_rekening"):
            r[key] = hostile(r[key])
    return rows


def _performance(bump: float = 0.0) -> list[dict]:
    rows = sample.kinerja_rows(2024, bump)
    for r in rows:
        for key in ("nama_skpd", "indikator", "satuan"):
            r[key] = hostile(r[key])
    return rows


def publish_hostile(root: Path) -> Workspace:
    """The hostile workspace at root/ws, released and built."""
    root = root / "ws"
    shutil.copytree(sample.ROOT / "schemas", root / "schemas")
    shutil.copy(sample.ROOT / "terbuka.json", root / "terbuka.json")
    for name in ("apbd", "kinerja", "peraturan", "wilayah"):
        _poison_declaration(root / "schemas" / name / "datapackage.json", drop_id_pattern=(name == "peraturan"))
    _poison_config(root / "terbuka.json")
    ws = Workspace(root).ensure()
    warned = {**sample.WARNED, "groups": [{**sample.WARNED["groups"][0], "note": hostile("Realisasi"),
                                           "note_id": hostile("Realisasi melebihi"), "field": PAYLOAD}]}
    wilayah = [{**r, "nama": hostile(r["nama"])} for r in sample.WILAYAH]
    sample.put(ws, "wilayah", wilayah, 1, source=SOURCE)
    sample.put(ws, "peraturan", _regulations(), 2, source=SOURCE)
    sample.put(ws, "apbd", _budget(), 3, warned, source=SOURCE)
    sample.put(ws, "kinerja", _performance(), 4, source=SOURCE)
    sample.put(ws, "kinerja", _performance(bump=-40.0), 5, source=SOURCE)
    withdraw(ws, "kinerja", "1.1.0", hostile("Salah ketik"), now=sample.when(6))
    build_site(ws)
    return ws


_built: dict[str, Workspace] = {}


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Workspace:
    """The hostile workspace, built once however many test modules import this fixture."""
    if "ws" not in _built:
        _built["ws"] = publish_hostile(tmp_path_factory.mktemp("hostile"))
    return _built["ws"]
