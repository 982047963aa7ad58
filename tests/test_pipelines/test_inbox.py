"""The inbox walk shared by the sensor and `terbuka run`: complete files only, only live bytes count as done."""

import json
import shutil

import dagster as dg

from assets.inbox import GUESS_ROWS, pending_files, read_head
from pipelines.definitions import build_definitions
from pipelines.headless import Runner, read_result, run_pending
from sample import generate_sample
from publish.files import sha256_bytes
from publish.ledger import read_ledger
from publish.releases import list_releases
from publish.workspace import Workspace
from tests.support import WILAYAH, drop, settle, tick

HEADER = "kode,nama,tingkat,kode induk\n"
GOOD = WILAYAH
BAD = GOOD + "32.61.01,Lain,Kecamatan,32.61\n"  # parent 32.61 does not exist: a foreign-key error


def settle_at(workspace, seconds):
    config = json.loads(workspace.config_file.read_text())
    config["settleSeconds"] = seconds
    workspace.config_file.write_text(json.dumps(config))
    return Workspace(workspace.root)


def launch(instance, workspace, request):
    """The run the daemon starts for a request, as the instance records it: with the request's tags, started."""
    job = build_definitions(workspace).resolve_job_def(request.job_name)
    return instance.create_run_for_job(job, run_config=request.run_config, status=dg.DagsterRunStatus.STARTED,
                                       tags={**request.tags, "dagster/run_key": request.run_key})


def test_pending_files_names_each_files_dataset_and_fiscal_year_in_dependency_order(workspace, tmp_path):
    sample = tmp_path / "sample"
    generate_sample(sample)
    for rel in ("apbd/APBD_2025_MURNI.xlsx", "kinerja/kinerja_2024.csv", "wilayah/wilayah_sukamaju.csv"):
        settle(shutil.copy(sample / rel, workspace.inbox))  # top of inbox/: the dataset is guessed from the header
    drop(workspace, "catatan.csv", "tanggal,catatan\n2024-01-01,rapat\n", folder="")

    first = pending_files(workspace)  # a first look: nothing is taken before a second one
    assert first.pending == [] and set(first.arriving) == {"APBD_2025_MURNI.xlsx", "catatan.csv",
                                                           "kinerja_2024.csv", "wilayah_sukamaju.csv"}
    looks = {rel: dict(look, since=look["since"] - 3600) for rel, look in first.looks.items()}
    inbox = pending_files(workspace, looks=looks)
    assert [(d.dataset, d.year, d.path.name) for d in inbox.pending] == [
        ("wilayah", None, "wilayah_sukamaju.csv"), ("apbd", "2025", "APBD_2025_MURNI.xlsx"),
        ("kinerja", "2024", "kinerja_2024.csv")]  # dependency order: references first
    assert [d.path.name for d in inbox.unmatched] == ["catatan.csv"]
    assert inbox.repeats == []


def test_files_of_one_dataset_run_in_drop_order(workspace):
    for name in ("c.csv", "a.csv", "b.csv"):  # dropped in this order
        drop(workspace, name, GOOD + f"32.6{name[0]},KAB {name},Kabupaten,32\n".replace("32.6a", "32.61")
             .replace("32.6b", "32.62").replace("32.6c", "32.63"))
    assert [d.path.name for d in pending_files(workspace, settle=False).pending] == ["c.csv", "a.csv", "b.csv"]


def test_partial_names_lock_files_and_hidden_files_are_never_taken(workspace):
    for name in ("big.csv.part", "dl.csv.crdownload", "~$APBD.xlsx", ".hidden.csv", "copy.csv.tmp", "Thumbs.db"):
        drop(workspace, name, GOOD)
    inbox = pending_files(workspace, settle=False)
    assert inbox.pending == [] and inbox.unmatched == [] and inbox.looks == {}


def test_a_workbook_whose_archive_is_not_whole_waits(workspace, tmp_path):
    sample = tmp_path / "sample"
    generate_sample(sample)
    data = (sample / "apbd" / "APBD_2024_MURNI.xlsx").read_bytes()
    path = drop(workspace, "APBD_2024_MURNI.xlsx", data[: len(data) // 2], folder="apbd")
    inbox = pending_files(workspace, settle=False)
    assert inbox.pending == [] and "incomplete" in inbox.arriving["apbd/APBD_2024_MURNI.xlsx"]
    path.write_bytes(data)
    assert [d.path.name for d in pending_files(workspace, settle=False).pending] == ["APBD_2024_MURNI.xlsx"]


def test_guessing_reads_only_the_first_rows(workspace, tmp_path):
    sample = tmp_path / "sample"
    generate_sample(sample)
    path = sample / "apbd" / "APBD_2024_MURNI.xlsx"
    head = read_head(path.read_bytes(), path.name, {})
    assert len(head.rows) == GUESS_ROWS and "Kode Rekening" in head.rows[4]
    big = HEADER + "".join(f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(1000))
    assert len(read_head(big.encode(), "big.csv", {}).rows) == GUESS_ROWS


def test_the_sensor_asks_again_for_a_rejected_file_dropped_again(workspace):
    runner = Runner(workspace)
    drop(workspace, "bad.csv", BAD)
    _, cursor = tick(workspace)
    [first], cursor = tick(workspace, cursor)
    assert read_result(runner.run_dataset("wilayah", "inbox/wilayah/bad.csv")).exit_code == 1
    assert not (workspace.inbox / "wilayah" / "bad.csv").exists()
    skipped, cursor = tick(workspace, cursor)
    assert isinstance(skipped, dg.SkipReason)

    drop(workspace, "bad.csv", BAD)  # the same bytes again, e.g. after the declaration was fixed
    _, cursor = tick(workspace, cursor)
    [second], cursor = tick(workspace, cursor)
    assert second.run_key != first.run_key  # Dagster never runs one run_key twice
    config = second.run_config["ops"]["wilayah__file"]["config"]
    assert config == {"file": "inbox/wilayah/bad.csv", "sha256": sha256_bytes(BAD.encode())}
    assert isinstance(tick(workspace, cursor)[0], dg.SkipReason)  # one request per drop


def test_terbuka_run_checks_a_rejected_file_again_when_it_is_dropped_again(workspace):
    lines = []
    drop(workspace, "bad.csv", BAD)
    assert run_pending(workspace, echo=lines.append) == 1
    drop(workspace, "bad.csv", BAD)
    assert run_pending(workspace, echo=lines.append) == 1
    rejected = [line for line in lines if "bad.csv ditolak / rejected" in line]
    assert len(rejected) == 2 and all("report.html" in line for line in rejected)
    # why, in words, without opening anything: the count, the first problem in both languages, where
    assert "kesalahan / errors" in rejected[0] and "baris / row" in rejected[0] and "Traceback" not in "".join(lines)
    [entry] = read_ledger(workspace).entries.values()
    assert entry["outcome"] == "rejected"
    assert sum(1 for line in workspace.ledger.read_text().splitlines()) == 2  # each check recorded
    assert list(workspace.inbox.rglob("*.csv")) == []


def test_an_accepted_file_dropped_again_is_filed_away_without_a_run(workspace):
    lines = []
    drop(workspace, "good.csv", GOOD)
    assert run_pending(workspace, echo=lines.append) == 0
    runs = len(Runner(workspace).instance.get_runs(filters=dg.RunsFilter(tags={"terbuka/dataset": "wilayah"})))

    drop(workspace, "again.csv", GOOD)
    _, cursor = tick(workspace)  # the first look; the second, a while later, files it away
    assert isinstance(tick(workspace, cursor)[0], dg.SkipReason)
    assert not (workspace.inbox / "wilayah" / "again.csv").exists()
    archived = sorted(p.name.split("-", 1)[1] for p in (workspace.archive / "wilayah").iterdir())
    assert archived == ["again.csv", "good.csv"]

    drop(workspace, "third.csv", GOOD, folder="")  # at the top of inbox/: filed under the accepted dataset
    assert run_pending(workspace, echo=lines.append) == 0
    assert any("third.csv" in line and "already published" in line for line in lines)
    assert not (workspace.inbox / "third.csv").exists()
    assert len(Runner(workspace).instance.get_runs(filters=dg.RunsFilter(tags={"terbuka/dataset": "wilayah"}))) == runs
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]


def test_a_header_only_file_is_rejected_and_nothing_is_released(workspace):
    drop(workspace, "kosong.csv", HEADER + ",,,\n")
    assert run_pending(workspace, echo=lambda line: None) == 1
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
    instance = Runner(workspace).instance
    drop(workspace, "good.csv", GOOD)
    _, cursor = tick(workspace, instance=instance)
    [first], cursor = tick(workspace, cursor, instance=instance)
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
    instance = Runner(workspace).instance
    drop(workspace, "good.csv", GOOD)
    _, cursor = tick(workspace, instance=instance)
    [first], cursor = tick(workspace, cursor, instance=instance)
    for n in range(4):  # the first run and its three retries all die
        instance.report_run_failed(launch(instance, workspace, first))
        result, cursor = tick(workspace, cursor, instance)
    assert isinstance(result, dg.SkipReason) and "failed 4 times" in result.skip_message

    drop(workspace, "good.csv", GOOD)  # the officer copies the same file in again, over the waiting one
    skipped, cursor = tick(workspace, cursor, instance, later=0)
    assert isinstance(skipped, dg.SkipReason)  # it changed since the last look: it must stay the same a while
    [again], cursor = tick(workspace, cursor, instance)
    assert again.run_key != first.run_key and not again.run_key.startswith(first.run_key)
    assert again.tags["terbuka/drop"] == again.run_key and again.tags["terbuka/sha256"] == first.tags["terbuka/sha256"]
    assert again.run_config == first.run_config


def test_a_file_is_taken_only_after_it_stayed_the_same_for_the_settle_interval(workspace):
    workspace = settle_at(workspace, 30)
    path = workspace.inbox / "wilayah" / "slow.csv"
    path.parent.mkdir(parents=True)
    path.write_text(GOOD[:40])  # the first part of a copy over a slow share
    skipped, cursor = tick(workspace)
    assert isinstance(skipped, dg.SkipReason)
    assert json.loads(cursor)["looks"]["wilayah/slow.csv"]["state"][0] == 40

    with path.open("a") as f:  # the copy goes on ...
        f.write(GOOD[40:])
    settle(path)  # ... and keeps the original's old mtime, as Windows and SMB copies do
    skipped, cursor = tick(workspace, cursor, later=60)
    assert isinstance(skipped, dg.SkipReason)  # old enough, but it grew since the last look
    skipped, cursor = tick(workspace, cursor, later=20)
    assert isinstance(skipped, dg.SkipReason) and "unchanged for 20 of 30 s" in skipped.skip_message
    [request], cursor = tick(workspace, cursor, later=15)  # unchanged for 35 s across looks: taken
    assert request.run_config["ops"]["wilayah__file"]["config"]["file"] == "inbox/wilayah/slow.csv"


def test_an_older_sensor_cursor_starts_the_looks_afresh(workspace):
    drop(workspace, "good.csv", GOOD)
    old = json.dumps({"seen": {"wilayah/good.csv": [1, 2, 3]}, "requested": {}, "warned": []})
    skipped, cursor = tick(workspace, old)
    assert isinstance(skipped, dg.SkipReason) and "waiting" in skipped.skip_message
    [request], _ = tick(workspace, cursor)
    assert request.tags["terbuka/file"] == "good.csv"


def test_an_accepted_file_whose_data_was_replaced_runs_again_to_bring_it_back(workspace):
    """Only bytes behind the latest live version are 'already published': after a later file replaced them
    (or their version was withdrawn), dropping them again is how an officer goes back."""
    lines = []
    drop(workspace, "good.csv", GOOD)
    assert run_pending(workspace, echo=lines.append) == 0
    drop(workspace, "newer.csv", GOOD + "32.61,KAB CONTOH,Kabupaten,32\n")
    assert run_pending(workspace, echo=lines.append) == 0
    drop(workspace, "good.csv", GOOD)
    assert [d.path.name for d in pending_files(workspace, settle=False).pending] == ["good.csv"]
    assert run_pending(workspace, echo=lines.append) == 4, lines  # it removes 32.61: held for confirmation
    [held] = (workspace.held / "wilayah").iterdir()
    assert "terbuka confirm wilayah" in json.loads((held / "held.json").read_text())["message_en"]


def test_a_file_in_a_folder_that_is_no_dataset_is_not_guessed(workspace):
    lines = []
    drop(workspace, "w.csv", GOOD, folder="anggaran-lama")
    inbox = pending_files(workspace, settle=False)
    assert [d.path.name for d in inbox.unmatched] == ["w.csv"] and not inbox.pending
    run_pending(workspace, echo=lines.append)
    assert "inbox/anggaran-lama/" in lines[0] and list_releases(workspace, "wilayah") == []
