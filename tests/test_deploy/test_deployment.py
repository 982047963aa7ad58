"""The deployment examples in deploy/ agree with the code and are accepted, offline, by the programs they start:
every command line parses with that program's own options, the Celery worker block passes Dagster's own
config schema, the compose services name each other consistently, the Dockerfile installs from uv.lock."""

import configparser
import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import click
import dagster as dg
import pytest
import yaml
from dagster._daemon.cli import create_dagster_daemon_cli
from dagster_webserver.cli import cli as webserver_cli

from pipelines.cli import cli as terbuka_cli
from pipelines.definitions import build_definitions
from pipelines.executors import BROKER_ENV, CELERY_CONFIG, EXECUTOR_ENV
from pipelines.instance import PG_ENV
from publish.workspace import ENV_VAR, Workspace

celery_cli = pytest.importorskip("dagster_celery.cli")  # the `celery` extra; make env installs it
ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALL = "/opt/terbuka"  # where the units and the image install the repository
PROGRAMS = {"dagster-webserver": webserver_cli, "dagster-daemon": create_dagster_daemon_cli(),
            "dagster-celery": celery_cli.main, "terbuka": terbuka_cli}


def parse(argv: list[str]) -> tuple[str, dict]:
    """Parse a command line with the program's own Click command, as it would at start, without running it;
    returns the (sub)command's name and its options. Raises click.UsageError for an unknown option or a file
    that is not there (paths under the install folder are read in this repository)."""
    command, args = PROGRAMS[Path(argv[0]).name], [a.replace(INSTALL, str(ROOT)) for a in argv[1:]]
    while isinstance(command, click.Group):
        name, args = args[0], args[1:]
        command = command.get_command(click.Context(command), name)
        assert command is not None, f"{argv}: no subcommand {name}"
    with command.make_context(argv[0], args) as ctx:
        return command.name, ctx.params


def shell_commands(command: list[str]) -> list[list[str]]:
    """The programs a `sh -c "a && exec b"` command starts, each as argv."""
    assert command[:2] == ["sh", "-c"]
    return [[w for w in shlex.split(part) if w != "exec"] for part in command[2].split("&&")]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def env_file() -> dict[str, str]:
    lines = (DEPLOY / "systemd" / "terbuka.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize("name", ["terbuka-webserver.service", "terbuka-daemon.service"])
def test_systemd_units_start_dagster_on_workspace_yaml_after_terbuka_instance(name):
    service = unit(name)["Service"]
    env = env_file()
    assert service["EnvironmentFile"] == "/etc/terbuka/terbuka.env"
    pre = shlex.split(service["ExecStartPre"])
    assert parse(pre) == ("instance", {"workspace_dir": None})  # reads TERBUKA_WORKSPACE from the env file
    argv = shlex.split(service["ExecStart"])
    program, options = parse(argv)
    assert Path(argv[0]).parent == Path(pre[0]).parent  # one virtual environment
    assert options["workspace"] == (str(ROOT / "workspace.yaml"),)
    assert service["ReadWritePaths"] == env[ENV_VAR] == service["WorkingDirectory"]
    assert service["User"] == "terbuka" and service["ProtectSystem"] == "strict"
    if program == "dagster-webserver":
        assert options["host"] == "127.0.0.1"  # the UI has no login: only a proxy on this machine reaches it
    else:
        assert program == "run"


def test_the_environment_file_names_what_the_code_reads():
    env = env_file()
    assert Path(env["DAGSTER_HOME"]) == Workspace(Path(env[ENV_VAR])).dagster_home
    assert urlparse(env[PG_ENV]).scheme == "postgresql"
    assert env["DAGSTER_DISABLE_TELEMETRY"] == "1"
    text = (DEPLOY / "systemd" / "terbuka.env").read_text()
    assert f"# {EXECUTOR_ENV}=celery" in text and f"# {BROKER_ENV}=" in text


def compose() -> dict:
    """compose.yaml with compose.celery.yaml laid over it, as `docker compose -f ... -f ...` merges them
    (maps merged key by key, the later file winning; YAML anchors resolved by the parser)."""
    def merge(base, over):
        if isinstance(base, dict) and isinstance(over, dict):
            return {k: merge(base[k], over[k]) if k in base and k in over else over.get(k, base.get(k))
                    for k in {**base, **over}}
        return over
    return merge(yaml.safe_load((DEPLOY / "compose.yaml").read_text()),
                 yaml.safe_load((DEPLOY / "compose.celery.yaml").read_text()))


def expand(value: str, variables: dict[str, str]) -> str:
    """${NAME:?message} and ${NAME:-default} as compose expands them."""
    return re.sub(r"\$\{(\w+)(?::[?-]([^}]*))?\}", lambda m: variables.get(m.group(1), m.group(2) or ""), value)


def test_compose_services_agree_on_database_workspace_and_commands():
    doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = doc["services"]
    assert set(services) == {"postgres", "webserver", "daemon"}
    secrets = {"TERBUKA_DB_PASSWORD": "s3cret"}
    db = services["postgres"]["environment"]
    for name in ("webserver", "daemon"):
        service = services[name]
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert (DEPLOY / ".." / service["build"]["dockerfile"]).is_file()
        env = {k: expand(str(v), secrets) for k, v in service["environment"].items()}
        url = urlparse(env[PG_ENV])
        assert (url.hostname, url.port, url.path.strip("/")) == ("postgres", 5432, db["POSTGRES_DB"])
        assert (url.username, url.password) == (db["POSTGRES_USER"], expand(db["POSTGRES_PASSWORD"], secrets))
        assert Path(env["DAGSTER_HOME"]) == Workspace(Path(env[ENV_VAR])).dagster_home
        assert any(v.endswith(f":{env[ENV_VAR]}") for v in service["volumes"])
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        first, second = shell_commands(service["command"])
        assert parse(first)[0] == "instance"
        program, options = parse(second)
        assert options["workspace"] == (str(ROOT / "workspace.yaml"),)
    assert services["webserver"]["ports"] == ["127.0.0.1:3000:3000"]


def test_celery_compose_workers_and_runs_share_one_broker_and_the_worker_config_validates(monkeypatch):
    doc = compose()
    services = doc["services"]
    assert {"rabbitmq", "worker"} <= set(services)
    secrets = {"TERBUKA_DB_PASSWORD": "s3cret", "TERBUKA_BROKER_PASSWORD": "b0ker"}
    broker = services["rabbitmq"]["environment"]
    urls = set()
    for name in ("webserver", "daemon", "worker"):
        env = {k: expand(str(v), secrets) for k, v in services[name]["environment"].items()}
        assert env[EXECUTOR_ENV] == "celery" and env[PG_ENV].startswith("postgresql://terbuka:s3cret@postgres:")
        assert env["DAGSTER_HOME"] == "/workspace/state/dagster"
        urls.add(env[BROKER_ENV])
    [url] = urls
    parsed = urlparse(url)
    assert (parsed.scheme, parsed.hostname, parsed.port) == ("pyamqp", "rabbitmq", 5672)
    assert (parsed.username, parsed.password) == (broker["RABBITMQ_DEFAULT_USER"],
                                                  expand(broker["RABBITMQ_DEFAULT_PASS"], secrets))
    first, second = shell_commands(services["worker"]["command"])
    assert parse(first)[0] == "instance"
    program, options = parse(second)
    assert program == "start" and options["app"] == "dagster_celery.app"
    config_file = Path(options["config_yaml"])
    # the worker's own loader: Dagster's config schema of the Celery executor, env values filled in
    monkeypatch.setenv(BROKER_ENV, url)
    assert celery_cli.get_validated_config(str(config_file))["broker"] == url
    assert yaml.safe_load(config_file.read_text())["execution"]["config"] == CELERY_CONFIG
    # and the runs: with TERBUKA_EXECUTOR=celery every job sends its steps to that broker
    monkeypatch.setenv(EXECUTOR_ENV, "celery")
    job = build_definitions().resolve_job_def("apbd_job")
    assert job.executor_def.name == "celery"
    resolved = dg.validate_run_config(job, {"ops": {"apbd__file": {"config": {"file": ""}}}})
    assert resolved["execution"]["celery"]["broker"] == url


def test_an_unknown_executor_is_refused_in_words(monkeypatch):
    monkeypatch.setenv(EXECUTOR_ENV, "spark")
    with pytest.raises(Exception, match="multiprocess.*forkserver.*celery"):
        build_definitions()


def test_the_dockerfile_installs_the_locked_dependencies_and_the_whole_project():
    text = (DEPLOY / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lines = [l.strip() for l in text.replace("\\\n", " ").splitlines() if l.strip() and not l.startswith("#")]
    python = re.search(r"^FROM python:(\d+)\.(\d+)", text, re.M)
    floor = tuple(int(x) for x in re.search(r"(\d+)\.(\d+)", project["project"]["requires-python"]).groups())
    assert tuple(int(x) for x in python.groups()) >= floor
    syncs = [l for l in lines if "uv sync" in l]
    assert len(syncs) == 2 and all("--frozen" in s and "--no-dev" in s for s in syncs)  # exactly uv.lock
    for extra in re.findall(r"--extra (\S+)", " ".join(syncs)):
        assert extra in project["project"]["optional-dependencies"]
    copied = [l.split()[1] for l in lines if l.startswith("COPY")]
    assert copied[0] == "pyproject.toml" and "uv.lock" in lines[[l.startswith("COPY") for l in lines].index(True)]
    for source in copied:
        assert (ROOT / source).exists(), source
    packages = project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert {f"{p}/" for p in packages} <= set(copied) and "workspace.yaml" in copied
    workdir = re.search(r"^WORKDIR (\S+)", text, re.M).group(1)
    assert f"-w {workdir}/workspace.yaml" in text
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(l for l in lines if l.startswith("ENV"))))
    assert Path(env["DAGSTER_HOME"]) == Workspace(Path(env[ENV_VAR])).dagster_home
    assert env["DAGSTER_DISABLE_TELEMETRY"] == "1"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"state", "site", "inbox", ".venv"} <= set(ignored)  # a workspace's records never go into an image


def test_the_forkserver_executor_preloads_what_every_step_imports(monkeypatch):
    monkeypatch.setenv(EXECUTOR_ENV, "forkserver")
    job = build_definitions().resolve_job_def("wilayah_job")
    resolved = dg.validate_run_config(job, {"ops": {"wilayah__file": {"config": {"file": ""}}}})
    start = resolved["execution"]["multiprocess_forkserver"]["start_method"]
    assert start == {"forkserver": {"preload_modules": ["pipelines.definitions"]}}
