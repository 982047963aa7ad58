"""The inbox walk shared by the sensor, the raw asset and `terbuka run`: only accepted bytes count as done."""

import json
import os
import shutil
import time

import dagster as dg

from assets.factory import TerbukaResource
from assets.stages import GUESS_ROWS, pending_files, read_head, read_ledger
from pipelines.definitions import build_definitions
from pipelines.headless import instance_for, run_file, run_pending
from sample import generate_sample
from publish.files import sha256_bytes
from publish.releases import list_releases

HEADER = "kode,nama,tingkat,kode induk\n"
GOOD = HEADER + "32,JAWA BARAT,Provinsi,\n32.60,KABUPATEN SUKAMAJU,Kabupaten,32\n"
BAD = GOOD + "32.61.01,Lain,Kecamatan,32.61\n"  # parent 32.61 does not exist: a foreign-key error


def settle(path):
    old = time.time() - 60
    os.utime(path, (old, old))  # as if copied a minute ago
    return path


def drop(ws, name, text, folder="wilayah"):
    path = ws.inbox / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return settle(path)


def tick(workspace, cursor=None, instance=None):
    """One evaluation of the inbox sensor: what it returned and the cursor it left."""
    sensor = build_definitions(workspace).resolve_sensor_def("inbox_sensor")
    resources = {"terbuka": TerbukaResource(workspace_dir=str(workspace.root))}
    with dg.build_sensor_context(resources=resources, cursor=cursor, instance=instance) as context:
        return sensor(context), context.cursor


def launch(instance, workspace, request):
    """The run the daemon starts for a request, as the instance records it: with the request's tags, started."""
    job = build_definitions(workspace).resolve_job_def(request.job_name)
    return instance.create_run_for_job(job, run_config=request.run_config, status=dg.DagsterRunStatus.STARTED,
                                       tags={**request.tags, "dagster/run_key": request.run_key})


def test_pending_files_names_each_files_dataset_and_fiscal_year(workspace, tmp_path):
    sample = tmp_path / "sample"
    generate_sample(sample)
    for rel in ("apbd/APBD_2025_MURNI.xlsx", "kinerja/kinerja_2024.csv", "wilayah/wilayah_sukamaju.csv"):
        settle(shutil.copy(sample / rel, workspace.inbox))  # top of inbox/: the dataset is guessed from the header
    drop(workspace, "catatan.csv", "tanggal,catatan\n2024-01-01,rapat\n", folder="")
    (workspace.inbox / "fresh.csv").write_text(GOOD)  # still being copied

    inbox = pending_files(workspace)
    assert [(d.dataset, d.year, d.path.name) for d in inbox.pending] == [
        ("wilayah", None, "wilayah_sukamaju.csv"), ("apbd", "2025", "APBD_2025_MURNI.xlsx"),
        ("kinerja", "2024", "kinerja_2024.csv")]  # dependency order: references first
    assert [d.path.name for d in inbox.unmatched] == ["catatan.csv"]
    assert inbox.repeats == []


def test_guessing_reads_only_the_first_rows(workspace, tmp_path):
    sample = tmp_path / "sample"
    generate_sample(sample)
    path = sample / "apbd" / "APBD_2024_MURNI.xlsx"
    head = read_head(path.read_bytes(), path.name, {})
    assert len(head.rows) == GUESS_ROWS and "Kode Rekening" in head.rows[4]
    big = HEADER + "".join(f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(1000))
    assert len(read_head(big.encode(), "big.csv", {}).rows) == GUESS_ROWS


def test_the_sensor_asks_again_for_a_rejected_file_dropped_again(workspace):
    defs, instance = build_definitions(workspace), instance_for(workspace)
    drop(workspace, "bad.csv", BAD)
    [first], cursor = tick(workspace)
    assert not run_file(workspace, "wilayah", "wilayah/bad.csv", defs=defs, instance=instance).success
    assert not (workspace.inbox / "wilayah" / "bad.csv").exists()
    skipped, cursor = tick(workspace, cursor)
    assert isinstance(skipped, dg.SkipReason)

    drop(workspace, "bad.csv", BAD)  # the same bytes again, e.g. after the declaration was fixed
    [second], cursor = tick(workspace, cursor)
    assert second.run_key != first.run_key  # Dagster never runs one run_key twice
    assert second.run_config["ops"]["wilayah__raw"]["config"]["file"] == "wilayah/bad.csv"
    assert isinstance(tick(workspace, cursor)[0], dg.SkipReason)  # one request per drop


def test_terbuka_run_checks_a_rejected_file_again_when_it_is_dropped_again(workspace):
    lines = []
    drop(workspace, "bad.csv", BAD)
    assert run_pending(workspace, echo=lines.append) == ["bad.csv"]
    drop(workspace, "bad.csv", BAD)
    assert run_pending(workspace, echo=lines.append) == ["bad.csv"]
    assert sum("bad.csv REJECTED" in line and "report.html" in line for line in lines) == 2
    # why, in words, without opening anything: the count, the first problem in both languages, where
    assert "kesalahan / errors" in lines[0] and "baris / row" in lines[0] and "Traceback" not in "".join(lines)
    [entry] = read_ledger(workspace).values()
    assert (entry["accepted"], entry["checked"]) == (False, 2)
    assert list(workspace.inbox.rglob("*.csv")) == []


def test_an_accepted_file_dropped_again_is_filed_away_without_a_run(workspace):
    lines = []
    drop(workspace, "good.csv", GOOD)
    assert run_pending(workspace, echo=lines.append) == []
    runs = len(instance_for(workspace).get_runs(filters=dg.RunsFilter(tags={"terbuka/dataset": "wilayah"})))

    drop(workspace, "again.csv", GOOD)
    assert isinstance(tick(workspace)[0], dg.SkipReason)
    assert not (workspace.inbox / "wilayah" / "again.csv").exists()
    archived = sorted(p.name.split("-", 1)[1] for p in (workspace.archive / "wilayah").iterdir())
    assert archived == ["again.csv", "good.csv"]

    drop(workspace, "third.csv", GOOD, folder="")  # at the top of inbox/: filed under the accepted dataset
    assert run_pending(workspace, echo=lines.append) == []
    assert "wilayah: third.csv already published (same SHA-256); filed away" in lines
    assert not (workspace.inbox / "third.csv").exists()
    assert len(instance_for(workspace).get_runs(filters=dg.RunsFilter(tags={"terbuka/dataset": "wilayah"}))) == runs
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]
    assert read_ledger(workspace)[sha256_bytes(GOOD.encode())]["checked"] == 1


def test_a_header_only_file_is_rejected_and_nothing_is_released(workspace):
    drop(workspace, "kosong.csv", HEADER + ",,,\n")
    assert run_pending(workspace, echo=lambda line: None) == ["kosong.csv"]
    assert list_releases(workspace, "wilayah") == []
    [folder] = (workspace.quarantine / "wilayah").glob("*-*")
    report = json.loads((folder / "report.json").read_text())
    assert not report["valid"] and report["rows"] == 0
    assert [g["type"] for g in report["groups"] if g["severity"] == "error"] == ["no-rows"]
    html = (folder / "report.html").read_text()
    assert "tanpa baris data" in html and "no data rows" in html


def test_a_drop_whose_run_died_before_its_checks_is_asked_again_at_most_three_times(workspace, capfd):
    """A killed worker, a cancelled run, retries that ran out: the run ends FAILURE or CANCELED (as Dagster's
    run monitoring records a dead worker), the file still in inbox/. Same drop, same run_key: Dagster would
    never run it again, so the sensor asks under a retry key."""
    instance = instance_for(workspace)
    drop(workspace, "good.csv", GOOD)
    [first], cursor = tick(workspace, instance=instance)
    assert first.tags["terbuka/drop"] == first.run_key
    run = launch(instance, workspace, first)
    skipped, cursor = tick(workspace, cursor, instance)
    assert isinstance(skipped, dg.SkipReason)  # still running: no second run

    end = [instance.report_run_failed, instance.report_run_canceled, instance.report_run_failed]
    for n in (1, 2, 3):
        end[n - 1](run)
        [retry], cursor = tick(workspace, cursor, instance)
        assert retry.run_key == f"{first.run_key}.retry{n}"
        assert (retry.job_name, retry.run_config, retry.tags) == (first.job_name, first.run_config, first.tags)
        skipped, cursor = tick(workspace, cursor, instance)
        assert isinstance(skipped, dg.SkipReason)  # asked once, even before its run shows in the instance
        run = launch(instance, workspace, retry)
        skipped, cursor = tick(workspace, cursor, instance)
        assert isinstance(skipped, dg.SkipReason)
    instance.report_run_failed(run)

    capfd.readouterr()
    skipped, cursor = tick(workspace, cursor, instance)
    assert isinstance(skipped, dg.SkipReason)  # four runs, none got to the checks: an officer must look
    said = skipped.skip_message
    assert "gagal 4 kali" in said and "failed 4 times" in said and run.run_id[:8] in said
    assert "letakkan berkas itu lagi di inbox/wilayah/" in said and "drop the file into inbox/wilayah/ again" in said
    assert "WARNING - good.csv: proses untuk berkas ini gagal 4 kali" in capfd.readouterr().err  # the sensor's log
    skipped, cursor = tick(workspace, cursor, instance)
    assert isinstance(skipped, dg.SkipReason) and "failed 4 times" in skipped.skip_message
    assert "failed 4 times" not in capfd.readouterr().err  # warned once, not at every tick
    assert (workspace.inbox / "wilayah" / "good.csv").exists()
    assert len(instance.get_runs(filters=dg.RunsFilter(tags={"terbuka/drop": first.run_key}))) == 4


def test_the_same_bytes_dropped_again_after_a_dead_run_are_a_new_drop(workspace):
    instance = instance_for(workspace)
    drop(workspace, "good.csv", GOOD)
    [first], cursor = tick(workspace, instance=instance)
    for n in range(4):  # the first run and its three retries all die
        instance.report_run_failed(launch(instance, workspace, first))
        result, cursor = tick(workspace, cursor, instance)
    assert isinstance(result, dg.SkipReason) and "failed 4 times" in result.skip_message

    drop(workspace, "good.csv", GOOD)  # the officer copies the same file in again, over the waiting one
    skipped, cursor = tick(workspace, cursor, instance)
    assert isinstance(skipped, dg.SkipReason)  # it changed since the last look: one look more
    [again], cursor = tick(workspace, cursor, instance)
    assert again.run_key != first.run_key and not again.run_key.startswith(first.run_key)
    assert again.tags["terbuka/drop"] == again.run_key and again.tags["terbuka/sha256"] == first.tags["terbuka/sha256"]
    assert again.run_config == first.run_config

    (workspace.inbox / "wilayah" / "good.csv").unlink()  # or deleted and dropped anew: a new drop too
    drop(workspace, "good.csv", GOOD)
    skipped, cursor = tick(workspace, cursor, instance)
    [third], cursor = tick(workspace, cursor, instance)
    assert third.run_key not in (first.run_key, again.run_key)


def test_a_file_that_changed_between_two_looks_is_not_taken_then(workspace):
    path = workspace.inbox / "wilayah" / "slow.csv"
    path.parent.mkdir(parents=True)
    path.write_text(GOOD[:40])  # the first part of a copy over a slow share
    skipped, cursor = tick(workspace)
    assert isinstance(skipped, dg.SkipReason)
    assert json.loads(cursor)["seen"]["wilayah/slow.csv"][0] == 40

    with path.open("a") as f:  # the copy goes on ...
        f.write(GOOD[40:])
    settle(path)  # ... and keeps the original's old mtime, as Windows and SMB copies do
    skipped, cursor = tick(workspace, cursor)
    assert isinstance(skipped, dg.SkipReason)  # old enough, but it grew since the last look

    [request], cursor = tick(workspace, cursor)  # unchanged between two looks: taken
    assert request.run_config["ops"]["wilayah__raw"]["config"]["file"] == "wilayah/slow.csv"


def test_a_file_asked_for_under_an_older_cursor_is_not_asked_again(workspace):
    drop(workspace, "good.csv", GOOD)
    old = json.dumps([sha256_bytes(GOOD.encode())])  # an older sensor's cursor: the run keys it asked for
    skipped, cursor = tick(workspace, old)
    assert isinstance(skipped, dg.SkipReason)
    assert isinstance(tick(workspace, cursor)[0], dg.SkipReason)


def test_an_accepted_file_whose_data_was_replaced_runs_again_to_bring_it_back(workspace):
    """Only bytes behind the latest live version are 'already published': after a later file replaced them
    (or their version was withdrawn), dropping them again is how an officer goes back."""
    lines = []
    drop(workspace, "good.csv", GOOD)
    assert run_pending(workspace, echo=lines.append) == []
    drop(workspace, "newer.csv", GOOD + "32.61,KAB CONTOH,Kabupaten,32\n")
    assert run_pending(workspace, echo=lines.append) == []
    drop(workspace, "good.csv", GOOD)
    assert [d.path.name for d in pending_files(workspace, settle=False).pending] == ["good.csv"]
    assert run_pending(workspace, echo=lines.append) == []
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0", "1.1.0", "1.2.0"]
    drop(workspace, "good.csv", GOOD)  # now it is the latest again: a true repeat
    assert [d.path.name for d in pending_files(workspace, settle=False).repeats] == ["good.csv"]


def test_a_file_in_a_folder_that_is_no_dataset_is_not_guessed(workspace):
    lines = []
    drop(workspace, "w.csv", GOOD, folder="anggaran-lama")
    inbox = pending_files(workspace, settle=False)
    assert [d.path.name for d in inbox.unmatched] == ["w.csv"] and not inbox.pending
    run_pending(workspace, echo=lines.append)
    assert "inbox/anggaran-lama/" in lines[0] and list_releases(workspace, "wilayah") == []
