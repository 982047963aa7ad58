"""The bytes Arrow's CSV reader is given: a file as UTF-8, piece by piece, with a sentinel record after its end."""

from __future__ import annotations

import codecs
import io

from assets.encoding import _Decoder

SENTINEL = "\x00"  # a record no text table holds (a NUL is refused), appended to see how the file ends


class Feed(io.RawIOBase):
    """A file read as UTF-8 (transcoded when it is in another encoding), in pieces no larger than asked for.

    Never cut between a \\r and a \\n: Arrow's reader loses the \\n of a quoted \\r\\n that falls on a block
    boundary, and a block ends where a read ends. After the last byte comes a line end (when the file has
    none) and the SENTINEL record. The feed stops, as if the file ended there, at a NUL character or at bytes
    that are not UTF-8 in a file taken for UTF-8; `problem` then says which ("nul", "utf8") and the
    reader's rows past that point mean nothing."""

    def __init__(self, source, codec: str):
        super().__init__()
        self.stream = source.open()
        self.codec = codec
        if codec == "utf-8-sig" and self.stream.read(3) != codecs.BOM_UTF8:
            self.stream.seek(0)
        # Text in another encoding is decoded and written again as UTF-8; UTF-8 itself passes through, checked.
        self.decoder = None if codec in ("utf-8", "utf-8-sig") else _Decoder(codec)
        self.checker = _Decoder("utf-8") if self.decoder is None else None
        self.carry = b""  # bytes held back: a final \r, or what did not fit in the last read
        self.ended = False  # the file's own bytes are all read
        self.done = False  # the sentinel is handed over too
        self.last = b""  # the last byte handed over, to know whether the file ends with a line end
        self.problem: str | None = None
        self.position = 0  # bytes of the file read so far (for progress)

    def readable(self) -> bool:
        return True

    def _next(self, size: int) -> bytes:
        """The next piece of the file as UTF-8 ('' at its end)."""
        raw = self.stream.read(size)
        self.position += len(raw)
        if not raw:
            self.ended = True
            if self.decoder is not None:
                return self.decoder.feed(b"", final=True).encode("utf-8")
            self.checker.feed(b"", final=True)  # a sequence cut off at the end is not UTF-8
            return b""
        if self.decoder is not None:
            return self.decoder.feed(raw).encode("utf-8")
        if self.checker.carry or not raw.isascii():
            self.checker.feed(raw)
        return raw

    def read(self, size: int = -1) -> bytes:
        if self.done or self.problem:
            return b""
        size = size if size and size > 0 else 1 << 20
        while True:
            data = self.carry
            if not self.ended and len(data) < size:
                try:
                    piece = self._next(size - len(data))
                except UnicodeDecodeError:
                    self.problem = "utf8"
                    return b""
                data = data + piece if data else piece
                if b"\x00" in piece:
                    self.problem = "nul"
                    return b""
            if self.ended and len(data) <= size:
                ending = b"" if (data[-1:] or self.last) in (b"\n", b"\r") else b"\n"
                tail = ending + SENTINEL.encode()
                if len(data) + len(tail) <= size:
                    self.done = True
                    self.carry = b""
                    return data + tail
            out, self.carry = data[:size], data[size:]
            if len(out) > 1 and out.endswith(b"\r") and (self.carry or not self.ended):
                out, self.carry = out[:-1], b"\r" + self.carry
            if out:
                self.last = out[-1:]
                return out

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()
