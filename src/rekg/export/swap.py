"""Replacing an output folder (dist/, site/) as a whole: never missing, never half
written, never a mix of two versions, and nothing left behind for long by a killed run.

The new version is written into a staging folder beside the target,
`.{name}.{random}.new`, which is then exchanged with the target in one step (Linux's
renameat2 with RENAME_EXCHANGE, macOS's renamex_np with RENAME_SWAP): at every instant
the target is the old folder or the new one, whole. The old version, now under the
staging name, is removed. Where the file system cannot exchange, the target is renamed
aside and the staging folder renamed into its place, which leaves the target missing for
the moment between the two renames.

A staging folder belongs to the process that holds a lock (flock) on it. The kernel drops
the locks of a process that dies, even by SIGKILL, so the next run removes every staging
folder whose lock it can take, and no folder a live process is writing. Creating and
cleaning take a lock on the parent folder, so that a cleaner never takes a staging
folder in the moment between its creation and its lock."""

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from rekg.core.project import umask

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h


def _exchange_call():
    """The C function that swaps two paths, with the flag it needs; None where absent."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    if hasattr(libc, "renameat2"):
        call = libc.renameat2
        call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]  # fmt: skip
        return lambda a, b: call(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)
    if sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        call = libc.renamex_np
        call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        return lambda a, b: call(a, b, _RENAME_SWAP)
    return None


_EXCHANGE = _exchange_call()
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system or the file system
    cannot (the caller then falls back to two renames)."""
    if _EXCHANGE is None:
        return False
    if _EXCHANGE(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _staging_names(target: Path) -> list[Path]:
    """The staging folders of `target`: this module's, and the `.{name}.old.{pid}` the
    earlier two-rename writer left when killed between its renames."""
    parent, name = target.parent, target.name
    if not parent.is_dir():
        return []
    found = []
    for entry in parent.iterdir():
        n = entry.name
        if n.startswith(f".{name}.") and (n.endswith(".new") or n.startswith(f".{name}.old.")):
            found.append(entry)
    return sorted(found)


@contextmanager
def _locked(path: Path, blocking: bool = True):
    """An exclusive lock on a folder, held while the block runs; yields whether it was
    taken (always, when blocking)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def clean_stale(target: Path) -> list[Path]:
    """Remove the staging folders of `target` that no live process holds; the removed."""
    removed = []
    if not target.parent.is_dir():
        return removed
    with _locked(target.parent):
        for stage in _staging_names(target):
            if stage.is_symlink() or not stage.is_dir():
                continue
            try:
                with _locked(stage, blocking=False) as mine:
                    if mine:
                        shutil.rmtree(stage, ignore_errors=True)
                        removed.append(stage)
            except FileNotFoundError:
                continue  # removed by another cleaner meanwhile
    return removed


@contextmanager
def replaced(target: Path):
    """Yield an empty staging folder; when the block succeeds it becomes `target` in one
    step, when it fails it is removed and `target` stays as it was. Staging folders that
    killed runs left are removed first. A symbolic link is followed: the folder it points
    to is replaced."""
    target = Path(os.path.realpath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    with _locked(target.parent):
        stage = target.with_name(f".{target.name}.{secrets.token_hex(6)}.new")
        stage.mkdir(mode=0o700)
        fd = os.open(stage, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until this process is done with it, or dies
    try:
        yield stage
        # as a folder made by mkdir with the process's umask: published as built
        stage.chmod(0o777 & ~umask())
        if not target.exists():
            os.rename(stage, target)
        elif exchange(stage, target):
            shutil.rmtree(stage, ignore_errors=True)  # the old version, now staged
        else:
            retired = target.with_name(f".{target.name}.{secrets.token_hex(6)}.new")
            os.rename(target, retired)
            os.rename(stage, target)
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        os.close(fd)
