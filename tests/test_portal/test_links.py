"""The one link checker (publish/links.py), used by the portal's `verify` check and by these tests, catches
every kind of dead internal link and follows no other host."""

from __future__ import annotations

from publish.links import broken_links


def test_every_kind_of_dead_internal_link_is_caught(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<h1 id="top">A</h1>', encoding="utf-8")
    (site / "data.csv").write_text("x\n", encoding="utf-8")
    (site / "index.html").write_text("""<!doctype html>
<a href="a/">folder</a> <a href="a/#top">id there</a> <a href="#here">id here</a> <p id="here"></p>
<img src="data.csv" alt=""> <form action="a/"></form> <a href="https://example.org/x">other host</a>
<a href="//example.org/y">other host</a> <a href="mailto:x@example.org">mail</a>
<a href="b/">missing folder</a> <a href="a/#nowhere">missing id</a> <a href="#gone">missing id here</a>
<img src="missing.png" alt=""> <form action="cari/"></form> <a href="/a/">from the host root</a>
<a href="../outside.html">outside the site</a>""", encoding="utf-8")
    (tmp_path / "outside.html").write_text("<p>not part of the site</p>", encoding="utf-8")
    assert sorted(ref for _, ref in broken_links(site)) == sorted(
        ["b/", "a/#nowhere", "#gone", "missing.png", "cari/", "/a/", "../outside.html"])
