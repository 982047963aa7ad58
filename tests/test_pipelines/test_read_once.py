"""Read once, pass objects: one `terbuka publish` reads each declaration and terbuka.json once, and hashes the
file it was given once, though it runs through Dagster, the checks, the release and the portal."""

import hashlib
from collections import Counter

from click.testing import CliRunner

import publish.declarations as declarations
import publish.workspace as workspace_module
from pipelines.cli import cli
from tests.support import WILAYAH

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}  # an officer whose locale is English


class CountingSha256:
    """hashlib.sha256 that remembers every digest it gave."""

    given: Counter = Counter()

    def __init__(self, data=b"", **kwargs):
        self._hash = REAL_SHA256(data, **kwargs)

    def update(self, data):
        self._hash.update(data)

    def hexdigest(self):
        digest = self._hash.hexdigest()
        CountingSha256.given[digest] += 1
        return digest

    def digest(self):
        CountingSha256.given[self._hash.hexdigest()] += 1
        return self._hash.digest()

    def copy(self):
        twin = CountingSha256()
        twin._hash = self._hash.copy()
        return twin

    @property
    def name(self):
        return self._hash.name

    @property
    def digest_size(self):
        return self._hash.digest_size

    @property
    def block_size(self):
        return self._hash.block_size


REAL_SHA256 = hashlib.sha256


def test_one_publish_reads_each_declaration_and_the_config_once_and_hashes_the_file_once(workspace, tmp_path,
                                                                                         monkeypatch):
    data = tmp_path / "wilayah.csv"
    data.write_bytes(WILAYAH.encode())
    digest = REAL_SHA256(WILAYAH.encode()).hexdigest()
    folders, configs = Counter(), Counter()
    real_load, real_config = declarations.load_declaration, workspace_module.read_config

    def load(folder):
        folders[folder.name] += 1
        return real_load(folder)

    def config(path):
        configs[path.name] += 1
        return real_config(path)

    monkeypatch.setattr(declarations, "load_declaration", load)
    monkeypatch.setattr(workspace_module, "read_config", config)
    monkeypatch.setattr(hashlib, "sha256", CountingSha256)
    CountingSha256.given.clear()
    result = CliRunner(env=ENGLISH).invoke(cli, ["publish", "wilayah", str(data), "--workspace", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "published version 1.0.0" in result.output and "portal: live" in result.output
    assert folders == Counter({"wilayah": 1, "peraturan": 1, "apbd": 1, "kinerja": 1})
    assert configs == Counter({"terbuka.json": 1})
    assert CountingSha256.given[digest] == 1  # the input, hashed once: run, checks, snapshot and release share it
