"""The export's sink: files written a piece at a time on a thread of their own, with the
sizes and SHA-256 digests of what was written, and a failed write reported."""

import errno
import hashlib
from pathlib import Path

import pytest

from rekg.export.sink import Sink, Written


def test_files_sizes_and_digests_are_what_was_written(tmp_path):
    big = bytes(range(256)) * 9000  # 2.3 MB: more than one piece
    sink = Sink(tmp_path)
    sink.put(
        "big.bin", lambda out: [out.write(big[i : i + 8192]) for i in range(0, len(big), 8192)]
    )
    sink.put_bytes("small.txt", b"one line\n")
    sink.put_bytes("empty", b"")
    assert (tmp_path / "big.bin").read_bytes() == big
    assert sink.sizes == {"big.bin": len(big), "small.txt": 9, "empty": 0}
    assert sink.digests == {
        "big.bin": hashlib.sha256(big).hexdigest(),
        "small.txt": hashlib.sha256(b"one line\n").hexdigest(),
        "empty": hashlib.sha256(b"").hexdigest(),
    }
    written = Written(tmp_path, sink.sizes)
    assert sorted(written) == ["big.bin", "empty", "small.txt"]
    assert written["small.txt"] == b"one line\n"
    with pytest.raises(KeyError):
        written["other"]


def test_a_sink_without_a_folder_only_counts_and_hashes():
    sink = Sink(None)
    sink.put_bytes("a.ttl", b"abc")
    assert sink.sizes == {"a.ttl": 3}
    assert sink.digests == {"a.ttl": hashlib.sha256(b"abc").hexdigest()}


def test_a_full_disk_is_reported():
    """/dev/full refuses every write with ENOSPC, as a full disk does."""
    with pytest.raises(OSError) as caught:
        Sink(Path("/dev")).put_bytes("full", b"x" * (3 << 20))
    assert caught.value.errno == errno.ENOSPC
