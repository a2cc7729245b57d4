"""Where the export's files go: each written a piece at a time, hashed and counted on the
way, by a thread of its own while the caller makes the next piece.

File writes and SHA-256 over large pieces release the GIL, so on two cores they cost the
build next to nothing, where on the build's own thread the writes cost mostly the
kernel finding fresh pages for the page cache, a cost that grows faster than the graph."""

import hashlib
import queue
import threading
from collections.abc import Mapping
from pathlib import Path

_PIECE = 1 << 20  # bytes handed to the writing thread at a time
_AHEAD = 16  # pieces that may wait for it: a bound on the memory in flight


class _Writer:
    """A binary file object: what is written to it goes to `handle` (None: nowhere) and
    into its SHA-256 and size, on a thread of its own. `close` waits for the thread and
    raises what it met (a full disk, say)."""

    def __init__(self, handle=None):
        self.handle, self.sha256, self.size = handle, hashlib.sha256(), 0
        self._buffer = bytearray()
        self._queue: queue.Queue = queue.Queue(maxsize=_AHEAD)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def write(self, data) -> int:
        self._buffer += data
        if len(self._buffer) >= _PIECE:
            self._send()
        return len(data)

    def flush(self) -> None:
        pass

    def _send(self) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(bytes(self._buffer))
        self._buffer.clear()

    def _drain(self) -> None:
        while (piece := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep taking pieces, so that the caller never blocks
            try:
                self.sha256.update(piece)
                self.size += len(piece)
                if self.handle is not None:
                    self.handle.write(piece)
            except BaseException as exc:  # handed to the caller by close()
                self._error = exc

    def close(self) -> None:
        if self._buffer:
            self._send()
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class Sink:
    """Writes files into a folder (None: only counts and hashes them); `sizes` and
    `digests` by file name."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.sizes: dict[str, int] = {}
        self.digests: dict[str, str] = {}

    def put(self, name: str, write) -> None:
        """`write(out)` writes the file's bytes to a binary file object."""
        if self.folder is None:
            self._finish(name, write, None)
        else:
            with open(self.folder / name, "wb") as handle:
                self._finish(name, write, handle)

    def _finish(self, name: str, write, handle) -> None:
        writer = _Writer(handle)
        try:
            write(writer)
        finally:
            writer.close()
        self.sizes[name], self.digests[name] = writer.size, writer.sha256.hexdigest()

    def put_bytes(self, name: str, data: bytes) -> None:
        self.put(name, lambda out: out.write(data))


class Written(Mapping):
    """The files an export wrote into a folder: name -> bytes, read when asked for."""

    def __init__(self, folder: Path, names):
        self.folder, self._names = folder, sorted(names)

    def __getitem__(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        return (self.folder / name).read_bytes()

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
