"""Random sequences of publish, withdraw, kill and tamper against the release store (Hypothesis): after every
step, published versions are immutable, numbers are never reused, `latest` is the newest live version once a
run has recovered, manifests are true, and verify's verdict is right."""

import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import publish.releases as releases
from publish.files import sha256_file
from publish.issued import read_issued
from publish.releases import (ReleaseHeld, StoreDamaged, latest_release, list_releases, recover_all, withdraw,
                              write_release)
from publish.verify import verify_site
from publish.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
DISTRICTS = [f"32.60.{i:02d}" for i in range(1, 9)]
REPORT = {"errors": 0, "warnings": 0, "groups": [], "rules": []}


class Killed(BaseException):
    """What SIGKILL does to a publish: it stops where it is, and no cleanup runs."""


def table(districts: list[str], spelling: int) -> pa.Table:
    rows = [{"kode": "32", "nama": "JAWA BARAT", "tingkat": "provinsi", "kode_induk": None},
            {"kode": "32.60", "nama": "KABUPATEN SUKAMAJU", "tingkat": "kabupaten", "kode_induk": "32"}]
    rows += [{"kode": k, "nama": f"KECAMATAN {k[-2:]} v{spelling}", "tingkat": "kecamatan", "kode_induk": "32.60"}
             for k in sorted(districts)]
    return pa.Table.from_pylist(rows)


class ReleaseStore(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="terbuka-store-"))
        shutil.copytree(ROOT / "schemas", self.root / "schemas")
        shutil.copy(ROOT / "terbuka.json", self.root / "terbuka.json")
        self.ws = Workspace(self.root).ensure()
        self.declaration = self.ws.declaration("wilayah")
        self.content: dict[str, str] = {}  # version -> its data.csv hash, the first time it was seen
        self.tampered: dict[Path, bytes] = {}  # file -> its true bytes
        self.seen_numbers: set[str] = set()

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def _publish(self, districts, spelling, confirmed):
        write_release(self.ws, self.declaration, table(districts, spelling), REPORT,
                      {"name": f"{spelling}.csv", "sha256": f"{spelling:064d}"}, "https://example.test/",
                      confirmed=confirmed)

    def _base_damaged(self) -> bool:
        live = latest_release(self.ws, "wilayah")
        return bool(live) and any(p.parent.name == live["version"] for p in self.tampered)

    @rule(districts=st.lists(st.sampled_from(DISTRICTS), min_size=1, unique=True),
          spelling=st.integers(0, 3), confirmed=st.booleans())
    def publish(self, districts, spelling, confirmed):
        damaged = self._base_damaged()
        try:
            self._publish(districts, spelling, confirmed)
        except StoreDamaged:
            assert damaged, "a publish refused an intact base"
            return
        except ReleaseHeld:
            assert not confirmed
        assert not damaged, "a publish built on a damaged version"

    @rule(districts=st.lists(st.sampled_from(DISTRICTS), min_size=1, unique=True),
          spelling=st.integers(0, 3), at=st.integers(1, 30))
    def publish_killed(self, districts, spelling, at):
        """Killed at the at-th durable write (fsync): before, during or after moving the version in."""
        if self._base_damaged():
            return
        calls = {"n": 0}
        real_fsync, real_rmtree = os.fsync, shutil.rmtree

        def fsync(fd):
            calls["n"] += 1
            if calls["n"] == at:
                raise Killed()
            real_fsync(fd)

        def no_cleanup(*args, **kwargs):
            raise Killed()  # a killed process runs no `finally`: its staging folder stays behind

        os.fsync = fsync
        releases.shutil.rmtree = no_cleanup
        try:
            self._publish(districts, spelling, confirmed=True)
        except Killed:
            pass
        finally:
            os.fsync, releases.shutil.rmtree = real_fsync, real_rmtree

    @rule(data=st.data())
    def withdraw_one(self, data):
        live = [r["version"] for r in list_releases(self.ws, "wilayah") if not r.get("withdrawn")]
        if live:
            withdraw(self.ws, "wilayah", data.draw(st.sampled_from(live)), "uji")

    @rule(data=st.data(), name=st.sampled_from(["data.csv", "data.parquet", "provenance.json"]))
    def tamper(self, data, name):
        versions = [r["version"] for r in list_releases(self.ws, "wilayah")]
        if not versions:
            return
        path = self.ws.releases / "datasets" / "wilayah" / data.draw(st.sampled_from(versions)) / name
        self.tampered.setdefault(path, path.read_bytes())
        path.write_bytes(path.read_bytes() + b"\n")

    @rule()
    def repair(self):
        for path, original in self.tampered.items():
            path.write_bytes(original)
        self.tampered.clear()

    @invariant()
    def holds(self):
        store = self.ws.releases
        verdict = verify_site(self.ws, store)
        # verify's verdict is right: problems exactly when something was tampered with
        assert verdict.ok == (not self.tampered), (verdict, self.tampered)
        for path in self.tampered:
            assert any(path.parent.name in c and path.name in c for c in verdict.changed), (path, verdict.changed)
        recover_all(self.ws)  # what the next run does first
        entries = list_releases(self.ws, "wilayah")
        for entry in entries:
            version, folder = entry["version"], store / "datasets" / "wilayah" / entry["version"]
            # a number, once issued, always names the same content (never reused, never rewritten)
            assert self.content.setdefault(version, entry["content_sha256"]) == entry["content_sha256"]
            if folder / "data.csv" not in self.tampered:
                assert sha256_file(folder / "data.csv") == entry["content_sha256"]
        numbers = {e["version"] for e in entries}
        assert self.seen_numbers <= numbers | set(read_issued(self.ws).of("wilayah"))
        self.seen_numbers |= numbers
        assert numbers <= set(read_issued(self.ws).of("wilayah"))  # every stored version is on record
        live = [e["version"] for e in entries if not e.get("withdrawn")]
        link = store / "datasets" / "wilayah" / "latest"
        if live:
            assert os.readlink(link) == live[-1]  # `latest` is the newest live version
        else:
            assert not link.exists()
        assert not list((store / "datasets" / "wilayah").glob(".staging-*"))  # leftovers cleared


ReleaseStore.TestCase.settings = settings(max_examples=20, stateful_step_count=10, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
test_release_store_properties = ReleaseStore.TestCase
