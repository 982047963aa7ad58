"""Preview before going live: with promote set to manual, the portal waits in state/preview/ until promoted."""

import json

from click.testing import CliRunner

from assets.stages import process_bytes
from pipelines.cli import cli
from pipelines.headless import run_portal

WILAYAH = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n32.60,KABUPATEN SUKAMAJU,Kabupaten,32\n"


def test_manual_promotion_keeps_site_untouched_until_promoted(workspace):
    config = json.loads(workspace.config_file.read_text())
    config["promote"] = "manual"
    workspace.config_file.write_text(json.dumps(config))
    assert process_bytes(workspace, "wilayah", WILAYAH.encode(), "w.csv").accepted
    result = run_portal(workspace)
    assert result.success
    assert (workspace.preview / "index.html").is_file()
    assert (workspace.preview / "datasets" / "wilayah" / "1.0.0" / "data.csv").is_file()
    assert not (workspace.site / "index.html").exists()
    promoted = CliRunner().invoke(cli, ["promote", "--workspace", str(workspace.root)])
    assert promoted.exit_code == 0, promoted.output
    assert "verified" in promoted.output
    assert (workspace.site / "index.html").read_bytes() == (workspace.preview / "index.html").read_bytes()
