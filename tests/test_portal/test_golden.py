"""Golden pages: a few rendered pages of the sample workspace, compared with the stored expected output in
tests/test_portal/golden/ so that any change to what readers see shows up as a diff in review.

Volatile parts are normalised before comparing: the code version (it names the commit that wrote the
releases), SHA-256 digests and the sizes of published files (the digests of provenance.json, SHA256SUMS and
the Parquet files follow the code version and the pyarrow version). Dates are not volatile here: the sample
workspace is released on a fixed clock, so dates are compared as rendered.

To accept a change on purpose, regenerate the expected output and review its diff before committing it:

    TERBUKA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_portal/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
UPDATE = "TERBUKA_UPDATE_GOLDEN"
PAGES = {  # golden file -> page of the built site
    "home.html": "index.html",
    "dataset-apbd.html": "datasets/apbd/index.html",
    "version-apbd-1.1.0.html": "datasets/apbd/1.1.0/index.html",
    "budget-2024-murni.html": "anggaran/2024/murni/index.html",
    "budget-overview.html": "anggaran/index.html",
    "budget-drill-urusan-1.html": "anggaran/2024/murni/urusan/1/index.html",
    "regulation-perda-2023-5.html": "peraturan/perda-2023-5/index.html",
}
SIZE = re.compile(r'<td class="num">[^<]*</td>(<td><code class="hash">)')  # a file's size, before its digest
CONTENT_SIZE = re.compile(r'"contentSize": "\d+ B"')
CODE_VERSION = re.compile(r"(<dt>(?:Versi kode|Code version)</dt><dd><code>)[^<]*(</code>)")


def normalise(html: str) -> str:
    html = CODE_VERSION.sub(r"\1<code-version>\2", html)
    html = re.sub(r"\b[0-9a-f]{64}\b", "<sha256>", html)
    html = SIZE.sub(r'<td class="num"><size></td>\1', html)
    return CONTENT_SIZE.sub('"contentSize": "<size>"', html)


@pytest.mark.parametrize("golden", sorted(PAGES))
def test_page_matches_its_golden_copy(published, golden):
    ws, _ = published
    actual = normalise((ws.site / PAGES[golden]).read_text(encoding="utf-8"))
    path = GOLDEN / golden
    if os.environ.get(UPDATE):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with {UPDATE}=1 to write it, then review and commit it"
    expected = path.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"golden/{golden}",
                                        PAGES[golden], n=1))
    assert actual == expected, f"{golden} differs from what is rendered ({UPDATE}=1 accepts it):\n{diff[:4000]}"


def test_normalising_keeps_what_readers_read():
    row = '<td class="num">27.0 KB</td><td><code class="hash">' + "ab" * 32 + "</code></td>"
    assert normalise(row) == '<td class="num"><size></td><td><code class="hash"><sha256></code></td>'
    assert normalise("<dt>Versi kode</dt><dd><code>0.1.0+g0123abcd4567</code></dd>") == \
        "<dt>Versi kode</dt><dd><code><code-version></code></dd>"
    assert normalise('<td class="num">Rp 1,2 miliar</td><td>15 Maret 2024</td>') == \
        '<td class="num">Rp 1,2 miliar</td><td>15 Maret 2024</td>'
