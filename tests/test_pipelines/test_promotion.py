"""Preview before going live: with promote set to manual, the portal waits in state/preview/ until promoted."""

import json

from click.testing import CliRunner

from tests.support import take
from pipelines.cli import cli
from pipelines.headless import Runner

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}  # an officer whose locale is English

WILAYAH = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n32.60,KABUPATEN SUKAMAJU,Kabupaten,32\n"


def test_manual_promotion_keeps_site_untouched_until_promoted(workspace):
    config = json.loads(workspace.config_file.read_text())
    config["promote"] = "manual"
    workspace.config_file.write_text(json.dumps(config))
    assert take(workspace, "wilayah", WILAYAH.encode(), "w.csv").accepted
    result = Runner(workspace).run_portal()
    assert result.success
    assert (workspace.preview / "index.html").is_file()
    assert (workspace.preview / "datasets" / "wilayah" / "1.0.0" / "data.csv").is_file()
    assert not (workspace.site / "index.html").exists()
    promoted = CliRunner(env=ENGLISH).invoke(cli, ["promote", "--workspace", str(workspace.root)])
    assert promoted.exit_code == 0, promoted.output
    assert "verified" in promoted.output
    assert (workspace.site / "index.html").read_bytes() == (workspace.preview / "index.html").read_bytes()


def _manual(workspace):
    config = json.loads(workspace.config_file.read_text())
    config["promote"] = "manual"
    workspace.config_file.write_text(json.dumps(config))


def test_publish_with_manual_promotion_changes_nothing_public(workspace, tmp_path):
    _manual(workspace)
    first = tmp_path / "w.csv"
    first.write_text(WILAYAH)
    assert CliRunner(env=ENGLISH).invoke(cli, ["publish", "wilayah", str(first), "--workspace", str(workspace.root)]).exit_code == 0
    assert CliRunner(env=ENGLISH).invoke(cli, ["promote", "--workspace", str(workspace.root)]).exit_code == 0
    live = {p: p.read_bytes() for p in workspace.site.rglob("*") if p.is_file()}
    second = tmp_path / "w2.csv"
    second.write_text(WILAYAH + "32.61,KABUPATEN CONTOH,Kabupaten,32\n")
    out = CliRunner(env=ENGLISH).invoke(cli, ["publish", "wilayah", str(second), "--workspace", str(workspace.root)])
    assert out.exit_code == 0 and "not live yet" in out.output, out.output
    assert (workspace.preview / "datasets/wilayah/1.1.0/data.csv").is_file()
    # site/ is exactly as it was: no new version, `latest` and releases.json unmoved, no page rewritten
    assert {p: p.read_bytes() for p in workspace.site.rglob("*") if p.is_file()} == live
    assert (workspace.site / "datasets/wilayah/latest").resolve().name == "1.0.0"
    withdrawn = CliRunner(env=ENGLISH).invoke(cli, ["withdraw", "wilayah", "1.0.0", "--reason", "uji",
                                         "--workspace", str(workspace.root)])
    assert withdrawn.exit_code == 0
    assert {p: p.read_bytes() for p in workspace.site.rglob("*") if p.is_file()} == live
    from publish.verify import verify_all

    pending = verify_all(workspace)  # nothing is wrong, but the officer is told what still waits
    assert pending.ok and any("1.1.0" in s and "not yet promoted" in s for s in pending.stale)
    assert any("1.0.0" in s and "withdrawn, not yet promoted" in s for s in pending.stale)
    assert CliRunner(env=ENGLISH).invoke(cli, ["promote", "--workspace", str(workspace.root)]).exit_code == 0
    assert (workspace.site / "datasets/wilayah/latest").resolve().name == "1.1.0"
    assert "uji" in (workspace.site / "datasets/wilayah/1.0.0/index.html").read_text()


def test_promotion_copies_the_preview_and_never_links_the_store(workspace):
    from publish.promote import build_preview, promote
    from publish.verify import verify_all

    assert take(workspace, "wilayah", WILAYAH.encode(), "w.csv").accepted
    build_preview(workspace)
    promote(workspace)
    stored = workspace.releases / "datasets/wilayah/1.0.0/data.csv"
    public = workspace.site / "datasets/wilayah/1.0.0/data.csv"
    assert public.read_bytes() == stored.read_bytes() and not public.samefile(stored)
    assert (workspace.preview / "datasets/wilayah/1.0.0/data.csv").samefile(stored)  # the preview costs no disk
    (workspace.site / "old-page.html").write_text("gone from the preview")
    assert promote(workspace) == [workspace.site / "old-page.html"]  # removed; nothing else rewritten
    assert not (workspace.site / "old-page.html").exists()
    assert verify_all(workspace).ok


def test_promoting_without_a_preview_is_refused(workspace):
    result = CliRunner(env=ENGLISH).invoke(cli, ["promote", "--workspace", str(workspace.root)])
    assert result.exit_code == 2 and "nothing to promote" in result.output


def test_verify_catches_deleted_forged_and_rewritten_versions_in_site(workspace):
    import shutil

    from publish.promote import build_preview, promote
    from publish.releases import withdraw
    from publish.verify import verify_all

    assert take(workspace, "wilayah", WILAYAH.encode(), "w.csv").accepted
    assert take(workspace, "wilayah", (WILAYAH + "32.61,KAB CONTOH,Kabupaten,32\n").encode(), "w2.csv").accepted
    withdraw(workspace, "wilayah", "1.0.0", "uji")
    build_preview(workspace)
    promote(workspace)
    assert verify_all(workspace).ok
    site = workspace.site / "datasets" / "wilayah"

    shutil.rmtree(site / "1.1.0")  # a whole version gone from the public copy
    assert any("1.1.0" in m for m in verify_all(workspace).missing)
    promote(workspace)
    assert verify_all(workspace).ok

    shutil.copytree(site / "1.1.0", site / "1.0.1")  # a forged version with a self-consistent manifest
    result = verify_all(workspace)
    assert any("1.0.1" in e for e in result.extra) and not result.ok
    shutil.rmtree(site / "1.0.1")

    (site / "withdrawn.json").unlink()  # the withdrawal lost: 1.0.0 would look live again
    assert any("withdrawn.json" in c for c in verify_all(workspace).changed)
    promote(workspace)

    (site / "1.1.0" / "provenance.json").write_text("{}")  # tampered, and its manifest line rewritten
    from publish.files import sha256_file
    manifest = site / "1.1.0" / "SHA256SUMS"
    manifest.write_text("".join(f"{sha256_file(site / '1.1.0' / line.split('  ')[1])}  {line.split('  ')[1]}\n"
                                for line in manifest.read_text().splitlines()))
    assert any("SHA256SUMS" in c for c in verify_all(workspace).changed)

    shutil.rmtree(site.parent)  # every dataset folder gone: the promotion record still knows
    assert any("promoted, now gone" in m for m in verify_all(workspace).missing)
