"""The production instance on PostgreSQL: a partitioned backfill and an inbox drop against a real server.

`.ci/run` starts a throwaway PostgreSQL server (Debian's package) on 127.0.0.1 and names it in
TERBUKA_TEST_PG_URL; by hand: `bash .ci/postgres start DIR` prints the URL, `bash .ci/postgres stop DIR`.
Each test gets a database of its own, so the runs counted are its own."""

import json
import os
import uuid

import dagster as dg
import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.definitions import build_definitions
from pipelines.headless import Runner, publish_file
from pipelines.instance import PG_ENV, instance_for
from publish.releases import list_releases
from sample import generate_sample
from tests.support import settle, tick

psycopg2 = pytest.importorskip("psycopg2")  # comes with dagster-postgres
SERVER = "TERBUKA_TEST_PG_URL"


@pytest.fixture
def database(monkeypatch):
    """A fresh database on the test server, named to Dagster through DAGSTER_PG_URL; dropped afterwards."""
    url = os.environ.get(SERVER)
    if not url:
        pytest.skip(f"no PostgreSQL server named in {SERVER} (.ci/run starts one; by hand: bash .ci/postgres start DIR)")
    try:
        admin = psycopg2.connect(url, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"the PostgreSQL server in {SERVER} does not answer: {exc}".strip())
    admin.autocommit = True
    name = f"terbuka_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    db_url = f"{url.rsplit('/', 1)[0]}/{name}"
    monkeypatch.setenv(PG_ENV, db_url)
    yield db_url
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def stored_runs(db_url: str) -> list[tuple[str, str, str | None]]:
    """(job, status, fiscal year) of every run, read from PostgreSQL itself rather than through Dagster."""
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT pipeline_name, status, run_body FROM runs ORDER BY create_timestamp")
        return [(job, status, json.loads(body).get("tags", {}).get("dagster/partition")) for job, status, body in cur]


def test_a_partitioned_backfill_runs_against_postgres(workspace, database, tmp_path):
    sample = tmp_path / "sample"
    files = {p.name: p for p in generate_sample(sample)}
    runner = Runner(workspace)
    assert type(runner.instance.run_storage).__name__ == "PostgresRunStorage"
    for dataset, name in [("wilayah", "wilayah_sukamaju.csv"), ("peraturan", "jdih_export.json"),
                          ("apbd", "APBD_2024_MURNI.xlsx"), ("apbd", "APBD_2025_MURNI.xlsx")]:
        result = publish_file(workspace, dataset, files[name], with_portal=False, runner=runner)
        assert result.exit_code == 0, result.lines()

    outcome = CliRunner().invoke(cli, ["backfill", "apbd", "--from", "2024", "--to", "2025",
                                       "--workspace", str(workspace.root)])
    assert outcome.exit_code == 0, outcome.output
    assert "apbd 2024" in outcome.output and "apbd 2025" in outcome.output

    runs = stored_runs(database)
    backfilled = [r for r in runs[4:] if r[0] == "apbd_job"]
    assert [(status, year) for _, status, year in backfilled] == [("SUCCESS", "2024"), ("SUCCESS", "2025")]
    assert [r[0] for r in runs[:4]] == ["wilayah_job", "peraturan_job", "apbd_job", "apbd_job"]
    assert runs[-1][0] == "portal_job" and runs[-1][1] == "SUCCESS"
    assert list_releases(workspace, "apbd")
    assert (workspace.site / "index.html").is_file()
    # nothing went to SQLite: the workspace holds no run or event database of its own
    assert not list(workspace.dagster_home.rglob("*.db"))
    assert "postgres" in (workspace.dagster_home / "dagster.yaml").read_text()


def test_an_inbox_drop_runs_against_postgres(workspace, database, tmp_path):
    files = {p.name: p for p in generate_sample(tmp_path / "sample")}
    instance = instance_for(workspace)
    target = workspace.inbox / "wilayah" / "wilayah_sukamaju.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(files["wilayah_sukamaju.csv"].read_bytes())
    settle(target)

    first, cursor = tick(workspace, None, instance)
    assert isinstance(first, dg.SkipReason)  # one look is not enough to know the copy is complete
    [request], cursor = tick(workspace, cursor, instance)
    # the run the daemon would launch for the request, with its config, partition and tags
    job = build_definitions(workspace).resolve_job_def(request.job_name)
    run = job.execute_in_process(run_config=request.run_config, partition_key=request.partition_key,
                                 tags={**request.tags, "dagster/run_key": request.run_key}, instance=instance,
                                 raise_on_error=False)
    assert run.success
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]
    assert not target.exists()  # filed away
    assert [(job_name, status) for job_name, status, _ in stored_runs(database)] == [("wilayah_job", "SUCCESS")]
    again, _ = tick(workspace, cursor, instance)
    assert isinstance(again, dg.SkipReason)  # the drop is done; the sensor, reading runs from Postgres, asks nothing
    assert not list(workspace.dagster_home.rglob("*.db"))
