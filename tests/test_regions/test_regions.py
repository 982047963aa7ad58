"""Region x fiscal year partitions in a workspace serving several regions (the fictional province sample): one
region's file re-processes only that region's year, the other regions' rows stay as they were, and the portal
shows each region and their aggregate, recomputed here from the published Parquet."""

from __future__ import annotations

import json

import dagster as dg
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipelines.definitions import build_definitions
from pipelines.headless import Runner, publish_file, submit_backfill
from pipelines.options import UserError
from publish.promote import build_preview
from publish.regions import RegionsError
from publish.releases import dataset_dir, latest_release
from publish.workspace import Workspace
from sample.command import main as sample_main
from sample.generator import peraturan_json
from sample.province import REGIONS, generate_province, region_files, wilayah_csv
from tests.support import settle, take
from tests.test_portal.figures import Recompute, figures, tree, unannotated

DATASET_STEPS = [dg.AssetKey(["apbd", name]) for name in ("raw", "clean", "release")]


@pytest.fixture
def province(tmp_path):
    """The province workspace with its reference data published (apbd's foreign keys point into them)."""
    generate_province(tmp_path / "province", with_inbox=False)
    ws = Workspace(tmp_path / "province").ensure()
    assert take(ws, "wilayah", wilayah_csv(), "wilayah.csv").accepted
    assert take(ws, "peraturan", peraturan_json(), "jdih.json").accepted
    return ws


class Daemon:
    """What the daemon does with the inbox sensor's answers, in-process: add the partitions it asks for, then
    run each request's job for its partition key."""

    def __init__(self, ws: Workspace):
        self.ws, self.defs = ws, build_definitions(ws)
        self.instance = dg.DagsterInstance.ephemeral()
        self.cursor = None

    def tick(self):
        if self.cursor:  # the next look comes an hour later: files seen then have settled
            state = json.loads(self.cursor)
            for look in state["looks"].values():
                look["since"] -= 3600
            self.cursor = json.dumps(state)
        sensor = self.defs.resolve_sensor_def("inbox_sensor")
        with dg.build_sensor_context(resources={"terbuka": self.ws}, cursor=self.cursor,
                                     instance=self.instance) as context:
            answer = sensor(context)
            self.cursor = context.cursor
        return answer

    def run_waiting(self) -> list[dg.ExecuteInProcessResult]:
        self.tick()
        answer = self.tick()
        assert isinstance(answer, dg.SensorResult), answer
        for added in answer.dynamic_partitions_requests:
            self.instance.add_dynamic_partitions(added.partitions_def_name, list(added.partition_keys))
        return [self.run(r.partition_key, r.run_config, r.tags) for r in answer.run_requests]

    def run(self, key, run_config=None, tags=None) -> dg.ExecuteInProcessResult:
        return self.defs.resolve_job_def("apbd_job").execute_in_process(
            run_config=run_config or {}, instance=self.instance, partition_key=key, tags=tags or {},
            asset_selection=DATASET_STEPS, raise_on_error=False)


def released(ws: Workspace):
    latest = latest_release(ws, "apbd")
    return latest["version"], pq.read_table(dataset_dir(ws, "apbd") / latest["version"] / "data.parquet")


def rows_of(table, region: str) -> list[dict]:
    """One region's rows, in the release's key order."""
    mine = table.filter(pc.equal(table.column("kode_wilayah"), region)).to_pylist()
    return sorted(mine, key=lambda r: (r["tahun"], r["tahap"], r["kode_skpd"], r["kode_sub_kegiatan"] or "",
                                       r["kode_rekening"]))


def test_one_regions_file_reprocesses_only_that_region_and_year_and_the_portal_aggregates_regions(province):
    ws, daemon = province, Daemon(province)
    first, second = REGIONS[0][0], REGIONS[1][0]
    for kode in (first, second):
        for path in region_files(ws.inbox, kode, ("APBD_2025_MURNI",)):
            settle(path)
    runs = daemon.run_waiting()
    assert sorted(r.dagster_run.tags["dagster/partition"] for r in runs) == [f"{first}|2025", f"{second}|2025"]
    assert all(r.success and r.dagster_run.tags["terbuka/outcome"] == "published" for r in runs)
    assert sorted(daemon.instance.get_dynamic_partitions("apbd_regions")) == [first, second]
    assert daemon.instance.get_dynamic_partitions("apbd_fiscal_years") == ["2025"]
    before_version, before = released(ws)
    untouched = rows_of(before, first)
    assert untouched and rows_of(before, second)

    # The second region re-sends its 2025 budget with a later realisation: only its (region, year) partition runs.
    [revised] = region_files(ws.inbox, second, ("APBD_2025_MURNI",), later="2025-09-30")
    settle(revised)
    [run] = daemon.run_waiting()
    assert run.success and run.dagster_run.tags["terbuka/outcome"] == "published"
    assert (run.dagster_run.tags["dagster/partition/region"], run.dagster_run.tags["dagster/partition/tahun"]) \
        == (second, "2025")
    materialised = {(e.asset_key.to_user_string(), e.partition) for e in run.get_asset_materialization_events()
                    for e in [e.event_specific_data.materialization]}
    assert materialised == {(k.to_user_string(), f"{second}|2025") for k in DATASET_STEPS}
    checks = [e.asset_check_evaluation_data for e in run.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert len(checks) == 3 and all(c.passed and c.partition == f"{second}|2025" for c in checks)
    after_version, after = released(ws)
    assert after_version != before_version
    assert rows_of(after, first) == untouched  # the other region's rows, value for value
    assert rows_of(after, second) != rows_of(before, second)
    provenance = json.loads((dataset_dir(ws, "apbd") / after_version / "provenance.json").read_text())
    sources = {s["slice"]["kode_wilayah"]: s["source"]["name"] for s in provenance["slices"]}
    assert sources[first].endswith(f"{first.replace('.', '')}.csv") and sources[second] == revised.name

    # The portal: every listed region and their aggregate, which covers the two regions that sent 2025.
    build_preview(Workspace(ws.root))
    page = tree(ws.preview / "anggaran" / "2025" / "murni" / "index.html")
    [section] = [n for n in page.walk() if n.tag == "section" and n.attrs.get("aria-labelledby") == "regions"]
    assert "2 dari 3 wilayah" in section.text() and REGIONS[2][1] in section.text()
    recompute = Recompute(ws.preview, ws.declarations)
    shown = [f for f in figures(section) if f.measure == "planned"]
    regional = {(f.scope["kode_wilayah"], f.scope["rek"]): int(f.value) for f in shown if "kode_wilayah" in f.scope}
    total = {f.scope["rek"]: int(f.value) for f in shown if "kode_wilayah" not in f.scope}
    assert {k[0] for k in regional} == {first, second} and set(total) == {"4", "5", "6.1", "6.2"}
    for (kode, account), value in regional.items():
        assert value == recompute.row({"ds": "apbd", "v": after_version, "tahun": "2025", "tahap": "murni",
                                       "kode_wilayah": kode, "rek": account})["planned"]
    for account, value in total.items():
        assert value == sum(v for (_, a), v in regional.items() if a == account)  # the sum of the regions shown
        assert value == recompute.row({"ds": "apbd", "v": after_version, "tahun": "2025", "tahap": "murni",
                                       "rek": account})["planned"]

    everything = [f for f in figures(page) if f.measure in ("planned", "realised", "lines", "reported")]
    assert len(everything) > 100 and all(int(f.value) == int(recompute.measure(f)) for f in everything)
    assert not unannotated(page)  # no money or percentage outside a figure the check can recompute

    # A backfill of one region's year re-takes that region's file only, and finds it unchanged.
    again = daemon.run(dg.MultiPartitionKey({"region": first, "tahun": "2025"}))
    assert again.success and again.dagster_run.tags["terbuka/outcome"] == "unchanged"
    [release] = [e.event_specific_data.materialization for e in again.get_asset_materialization_events()
                 if e.event_specific_data.materialization.asset_key == DATASET_STEPS[2]]
    assert release.metadata["source_files"].value == sources[first]


def test_a_file_naming_an_unlisted_region_waits_with_the_reason(province):
    ws, daemon = province, Daemon(province)
    [path] = region_files(ws.inbox, REGIONS[0][0], ("APBD_2025_MURNI",))
    path.write_bytes(path.read_bytes().replace(REGIONS[0][0].encode(), b"32.99"))
    settle(path)
    daemon.tick()
    answer = daemon.tick()
    assert isinstance(answer, dg.SkipReason)
    assert "32.99" not in answer.skip_message and "terbuka.json" in answer.skip_message
    assert f"({', '.join(k for k, _, _ in REGIONS)})" in answer.skip_message


def test_a_run_for_one_region_rejects_another_regions_rows_before_writing(province):
    """A run started by hand for the wrong region: every row of the other region is named, in the officer's words,
    and nothing is published (a rejection, not a failed step: the system did nothing wrong)."""
    ws, daemon = province, Daemon(province)
    [path] = region_files(ws.inbox, REGIONS[0][0], ("APBD_2025_MURNI",))
    rows = sum(1 for _ in open(path, encoding="utf-8-sig")) - 1  # the header, then a line a row
    for dimension, key in (("apbd_regions", REGIONS[1][0]), ("apbd_fiscal_years", "2025")):
        daemon.instance.add_dynamic_partitions(dimension, [key])
    run = daemon.run(dg.MultiPartitionKey({"region": REGIONS[1][0], "tahun": "2025"}),
                     {"ops": {"apbd__file": {"config": {"file": ws.rel(path)}}}})
    assert run.success and run.dagster_run.tags["terbuka/outcome"] == "rejected"
    assert latest_release(ws, "apbd") is None
    [report] = (ws.quarantine / "apbd").rglob("report.json")
    groups = [g for g in json.loads(report.read_text())["groups"] if g["type"] == "partition-mismatch"]
    assert groups and groups[0]["field"] == "kode_wilayah"
    assert groups[0]["count"] == rows  # every row, not only the first ones
    assert f"region {REGIONS[1][0]}" in groups[0]["note"] and "send one file per region" in groups[0]["note"]


def test_a_file_mixing_regions_past_its_first_rows_is_rejected_at_those_rows(province):
    """The sensor labels a file by its first rows; a row of another region further down is found by the run."""
    ws = province
    [path] = region_files(ws.inbox, REGIONS[0][0], ("APBD_2025_MURNI",))
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines[-1] = lines[-1].replace(REGIONS[0][0], REGIONS[1][0])
    path.write_text("".join(lines), encoding="utf-8")
    outcome = take(ws, "apbd", path.read_bytes(), path.name, year="2025", region=REGIONS[0][0])
    assert outcome.status == "rejected"
    problems = [p for p in outcome.checked.report.problems if p.type == "partition-mismatch"]
    assert [(p.row, p.value) for p in problems] == [(len(lines), REGIONS[1][0])]


def test_a_command_publishes_a_regions_file_in_its_region_and_year(province, tmp_path):
    """`terbuka publish` and `terbuka run` take the same (region, year) partition as the sensor."""
    kode = REGIONS[2][0]
    [path] = region_files(tmp_path / "aside", kode, ("APBD_2024_MURNI",))
    runner = Runner(province)
    result = publish_file(province, "apbd", path, with_portal=False, runner=runner)
    assert result.exit_code == 0, result.lines("en")
    assert result.run.dagster_run.tags["dagster/partition"] == f"{kode}|2024"
    path.write_bytes(path.read_bytes().replace(kode.encode(), b"32.99"))
    with pytest.raises(UserError, match="names no region listed in terbuka.json"):
        publish_file(province, "apbd", path, with_portal=False, runner=runner)


def test_a_region_split_needs_the_region_in_the_slice_and_the_key(province):
    source = province.schemas / "apbd" / "source.json"
    doc = json.loads(source.read_text())
    doc["replaces"] = ["tahun", "tahap"]
    source.write_text(json.dumps(doc))
    with pytest.raises(RegionsError, match="kode_wilayah must be in source.json \"replaces\""):
        build_definitions(Workspace(province.root))


def test_one_region_workspaces_keep_one_partition_per_year(workspace):
    raw = build_definitions(workspace).resolve_assets_def(dg.AssetKey(["apbd", "raw"]))
    assert isinstance(raw.partitions_def, dg.DynamicPartitionsDefinition)
    assert raw.partitions_def.name == "apbd_fiscal_years"


def test_the_province_sample_is_a_workspace_with_each_regions_files(tmp_path, capsys):
    assert sample_main(["--province", str(tmp_path / "p")]) == 0
    ws = Workspace(tmp_path / "p")
    assert [r["kode"] for r in ws.config["regions"]] == [k for k, _, _ in REGIONS]
    assert ws.declaration("apbd").source["replaces"][0] == "kode_wilayah"
    printed = capsys.readouterr().out.splitlines()
    assert len([p for p in printed if "/apbd/" in p]) == 3 * len(REGIONS)
    with pytest.raises(FileExistsError):
        generate_province(tmp_path / "p")


def test_a_daemon_backfill_of_a_year_covers_every_listed_region(province):
    """What the Backfills tab lists for `terbuka backfill` with a daemon: each listed region's partition of the year."""
    runner = Runner(province)
    submit_backfill(runner, "apbd", ["2025"])
    [backfill] = runner.instance.get_backfills()
    targets = backfill.asset_backfill_data.target_subset
    keys = targets.get_partitions_subset(dg.AssetKey(["apbd", "release"])).get_partition_keys()
    assert sorted(keys) == sorted(f"{kode}|2025" for kode, _, _ in REGIONS)
