"""A file's bytes, in memory or on disk, read from the start as often as a reader needs, never held twice."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from publish.files import sha256_bytes, sha256_file

CHUNK = 1 << 24  # bytes per read when a whole file is scanned (hashing, encoding checks)


class Source:
    """The bytes of one file: `data` when they are in memory already, else the file at `path`."""

    def __init__(self, data: bytes | None = None, path: Path | None = None):
        if (data is None) == (path is None):
            raise ValueError("give the bytes or a path, not both")
        self.data, self.path = data, None if path is None else Path(path)

    @classmethod
    def of(cls, source: Source | bytes | Path) -> Source:
        if isinstance(source, Source):
            return source
        return cls(data=source) if isinstance(source, (bytes, bytearray, memoryview)) else cls(path=source)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def open(self) -> BinaryIO:
        """A fresh binary stream from the first byte."""
        return io.BytesIO(self.data) if self.data is not None else open(self.path, "rb")

    def head(self, size: int) -> bytes:
        if self.data is not None:
            return bytes(self.data[:size])
        with open(self.path, "rb") as fh:
            return fh.read(size)

    def tail(self, size: int) -> bytes:
        if self.data is not None:
            return bytes(self.data[-size:]) if size else b""
        with open(self.path, "rb") as fh:
            fh.seek(max(0, self.size - size))
            return fh.read()

    def chunks(self, size: int | None = None, end: int | None = None) -> Iterator[bytes]:
        """The bytes in pieces of at most `size` (CHUNK), up to `end` (the whole file by default)."""
        size = size or CHUNK
        left = self.size if end is None else end
        with self.open() as fh:
            while left > 0:
                piece = fh.read(min(size, left))
                if not piece:
                    return
                left -= len(piece)
                yield piece

    def whole(self) -> bytes:
        """All the bytes in memory: for formats that are read whole (workbooks, JSON, Parquet), within their limits."""
        if self.data is not None:
            return bytes(self.data) if not isinstance(self.data, bytes) else self.data
        return self.path.read_bytes()

    def sha256(self) -> str:
        return sha256_bytes(self.data) if self.data is not None else sha256_file(self.path)
