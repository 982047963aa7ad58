"""A binary sink that hashes and counts what is written through it, so a file written in pieces is never read
back for its SHA-256 and size."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import BinaryIO


class Tally(io.RawIOBase):
    """Writes to `target`, keeping the SHA-256 and the number of bytes written. Closing it closes `target`
    only when it opened it (`Tally.create`)."""

    def __init__(self, target: BinaryIO, owned: bool = False):
        super().__init__()
        self.target, self.owned = target, owned
        self.digest = hashlib.sha256()
        self.size = 0

    @classmethod
    def create(cls, path: Path) -> Tally:
        return cls(open(path, "wb"), owned=True)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(memoryview(data).cast("B"))
        self.target.write(data)
        return len(memoryview(data).cast("B"))

    def hexdigest(self) -> str:
        return self.digest.hexdigest()

    def close(self) -> None:
        if not self.closed and self.owned:
            self.target.close()
        super().close()
