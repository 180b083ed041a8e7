"""Reading and writing files for the textfix command line, safely.

* :func:`open_text` decodes a byte stream incrementally (bounded memory), keeps a byte-order mark
  aside so it can be written back, never translates newlines (CRLF stays CRLF), and turns
  undecodable or binary input into an :class:`InputError` that names the byte offset.
* :class:`AtomicWriter` writes a new version of a file next to it under a hidden temporary name
  and renames it over the destination only once everything is written and synced, so a crash,
  ``kill -9`` or full disk never leaves a truncated or lost file. ``--in-place`` backups are made
  as hard links (or copies) before the rename.
* :func:`iter_files` walks the inputs in a deterministic order.
"""
from __future__ import annotations

import codecs
import errno
import fnmatch
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["InputError", "FileChanged", "DecodedStream", "open_text", "resolve_encoding", "AtomicWriter",
           "open_locked", "remove_stale_temp", "iter_files", "is_temp_name", "DEFAULT_GLOBS", "READ_BLOCK"]

#: Bytes read from a file at a time.
READ_BLOCK = 256 * 1024

#: Files a directory walk picks up when no ``--glob`` is given.
DEFAULT_GLOBS = ("*.txt", "*.text", "*.html", "*.htm", "*.xhtml", "*.jsonl", "*.ndjson", "*.parquet")

#: Temporary files of :class:`AtomicWriter`: ``.NAME.textfix-RANDOM.tmp`` (hidden, never an input).
_TEMP_PREFIX = ".textfix-"
_TEMP_RE = re.compile(r"^\..*\.textfix-[A-Za-z0-9_]+\.tmp$")


class InputError(Exception):
    """An input that cannot be processed (not decodable, binary, unreadable). The message is one line."""


class FileChanged(OSError):
    """The file to be replaced is no longer the one that was read (another program or textfix run
    changed it meanwhile); nothing was replaced, so no backup can hold anything but what was read."""


def is_temp_name(name: str) -> bool:
    """True for the name of a temporary file left by an interrupted textfix write."""
    return bool(_TEMP_RE.match(name))


# --------------------------------------------------------------------------- encodings

_UTF32_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def resolve_encoding(name: str) -> str:
    """The canonical codec name for ``--encoding``; raises ``LookupError`` for an unknown one."""
    info = codecs.lookup(name)
    if not hasattr(info, "incrementaldecoder") or info.incrementaldecoder is None:  # pragma: no cover
        raise LookupError(f"{name} is not a text encoding")
    try:
        "".encode(info.name)
        b"".decode(info.name)
    except Exception as exc:  # e.g. "rot13", "base64": bytes-to-bytes codecs
        raise LookupError(f"{name} is not a text encoding") from exc
    return info.name


def _family(codec: str) -> str:
    if codec in ("utf-8", "utf-8-sig"):
        return "utf-8"
    if codec in ("utf-16", "utf-32"):
        return codec
    return ""


def _ascii_nul(codec: str) -> bool:
    """True when a NUL byte in the raw input can only mean U+0000 (so it signals binary data)."""
    if codec.startswith(("utf-16", "utf-32")):
        return False
    try:
        return "\x00".encode(codec) == b"\x00" and "a".encode(codec) == b"a"
    except Exception:  # pragma: no cover
        return False


@dataclass
class DecodedStream:
    """An open input: ``pieces`` yields the decoded text; ``bom`` and ``codec`` say how to write it back."""

    path: str
    codec: str
    bom: bytes
    pieces: Iterator[str]
    #: Bytes read so far (for throughput figures).
    bytes_read: int = 0


def open_text(fp: BinaryIO, path: str, encoding: str = "utf-8", block: int = READ_BLOCK) -> DecodedStream:
    """Decode ``fp`` incrementally.

    The returned stream's ``pieces`` raise :class:`InputError` (``"PATH: ... at byte N"``) when the
    bytes are not valid in ``encoding`` or contain a NUL byte (binary data).
    """
    codec = resolve_encoding(encoding)
    family = _family(codec)
    head = _read_full(fp, block)
    bom = b""
    if family == "utf-8":
        codec = "utf-8"
        if head.startswith(codecs.BOM_UTF8):
            bom = codecs.BOM_UTF8
        else:
            # a UTF-16/32 byte-order mark is never valid UTF-8: it says what the file is
            for b, c in _UTF32_BOMS + _UTF16_BOMS:
                if head.startswith(b):
                    bom, codec = b, c
                    break
    elif family in ("utf-16", "utf-32"):
        # the byte-order mark decides the byte order; without one, the machine's
        codec = f"{family}-{'le' if sys.byteorder == 'little' else 'be'}"
        for b, c in _UTF32_BOMS if family == "utf-32" else _UTF16_BOMS:
            if head.startswith(b):
                bom, codec = b, c
                break
    stream = DecodedStream(path=path, codec=codec, bom=bom, pieces=iter(()))
    stream.pieces = _decode(fp, stream, head[len(bom):], len(bom), block)
    stream.bytes_read = len(head)
    return stream


def _read_full(fp: BinaryIO, n: int) -> bytes:
    """Read up to ``n`` bytes, retrying short reads (pipes return what they have)."""
    parts: list[bytes] = []
    want = n
    while want > 0:
        data = fp.read(want)
        if not data:
            break
        parts.append(data)
        want -= len(data)
    return b"".join(parts)


def _utf16_without_bom(data: bytes) -> str:
    """``"utf-16-le"``/``"utf-16-be"`` when ``data`` reads like mostly-ASCII text in UTF-16 (every
    other byte NUL, the others not), else ``""``."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 8:  # too little to tell
        return ""
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return ""


def _decode(fp: BinaryIO, stream: DecodedStream, first: bytes, offset: int, block: int) -> Iterator[str]:
    codec = stream.codec
    decoder = codecs.getincrementaldecoder(codec)("strict")
    check_raw_nul = _ascii_nul(codec)
    consumed = offset  # bytes handed to the decoder before the current block
    data = first
    while True:
        final = not data
        if check_raw_nul and data:
            nul = data.find(b"\x00")
            if nul >= 0:
                utf16 = _utf16_without_bom(first)  # judged on the start of the file
                if utf16:
                    raise InputError(f"{stream.path}: looks like UTF-16 without a byte-order mark "
                                     f"(NUL bytes between letters); pass --encoding {utf16}")
                raise InputError(f"{stream.path}: binary file (NUL byte at byte offset {consumed + nul}), skipped")
        state = decoder.getstate()
        pending = len(state[0]) if isinstance(state[0], (bytes, bytearray)) else 0
        try:
            text = decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            at = consumed - pending + exc.start
            bad = exc.object[exc.start:exc.start + 1]
            shown = f" (0x{bad[0]:02x})" if bad else ""
            why = "truncated character at end of file" if final else f"invalid byte{shown}"
            raise InputError(f"{stream.path}: not valid {codec} at byte offset {at}: {why}; "
                             f"if this is text in another encoding, pass --encoding") from None
        if not check_raw_nul and "\x00" in text:
            idx = text.index("\x00")
            at = consumed - pending + len(text[:idx].encode(codec))
            raise InputError(f"{stream.path}: binary file (NUL character at byte offset {at}), skipped")
        if text:
            yield text
        if final:
            return
        consumed += len(data)
        data = fp.read(block)
        stream.bytes_read += len(data)


# --------------------------------------------------------------------------- atomic writes

#: Test hook: ``_TEXTFIX_TEST_CRASH=before-rename[:N]`` makes the process ``os._exit(70)`` after
#: the N-th (default 1st) temporary file is fully written, just before it is renamed into place.
_CRASH_ENV = "_TEXTFIX_TEST_CRASH"
_crash_count = 0


def _maybe_crash(point: str) -> None:
    global _crash_count
    spec = os.environ.get(_CRASH_ENV)
    if not spec:
        return
    name, _, n = spec.partition(":")
    if name != point:
        return
    _crash_count += 1
    if _crash_count >= int(n or 1):
        os._exit(70)


class AtomicWriter:
    """Write ``dest`` atomically: ``write()`` goes to a hidden temporary file in the same directory,
    ``commit()`` syncs it and renames it over ``dest``; ``abort()`` removes it.

    ``mode`` is given to the new file (default: ``dest``'s current mode, or 0666 less the umask).
    With ``backup``, the current ``dest`` is first kept as ``backup`` (a hard link when possible).
    With ``expect`` (the ``os.fstat`` of the file that was read), ``commit()`` raises
    :class:`FileChanged` instead of replacing a ``dest`` that is no longer that file, unchanged.
    """

    def __init__(self, dest: str, *, mode: int | None = None, backup: str | None = None,
                 umask: int = 0o022, expect: os.stat_result | None = None) -> None:
        self.dest = dest
        self.backup = backup
        self.expect = expect
        directory, name = os.path.split(dest)
        self._dir = directory or "."
        try:
            st = os.stat(dest)
        except FileNotFoundError:
            st = None
        self._old = st
        if mode is None:
            mode = stat.S_IMODE(st.st_mode) if st is not None else (0o666 & ~umask)
        self._mode = mode
        fd, self.tmp = tempfile.mkstemp(prefix=f".{name}{_TEMP_PREFIX}", suffix=".tmp", dir=self._dir)
        _lock_nowait(fd)  # held until renamed: a lock that is free marks a temp file as stale
        self._fp = os.fdopen(fd, "wb")
        self._done = False

    def write(self, data: bytes) -> None:
        self._fp.write(data)

    def commit(self) -> None:
        """Make the new content visible under ``dest`` (and keep the backup, if asked)."""
        fp = self._fp
        try:
            fp.flush()
            os.fchmod(fp.fileno(), self._mode)
            if self._old is not None and hasattr(os, "fchown"):
                try:
                    os.fchown(fp.fileno(), self._old.st_uid, self._old.st_gid)
                except OSError:
                    pass
            os.fsync(fp.fileno())
            _maybe_crash("before-backup")
            if self.expect is not None and not _same_version(os.stat(self.dest), self.expect):
                raise FileChanged(errno.EBUSY, f"{self.dest} changed while it was being restored; "
                                               f"left as it is")
            if self.backup is not None and self._old is not None:
                _keep_backup(self.dest, self.backup, self.expect)
            _maybe_crash("before-rename")
            os.replace(self.tmp, self.dest)
            self._done = True
        finally:
            fp.close()  # only now: the lock shows the temporary file is in use until renamed
        _fsync_dir(self._dir)

    def abort(self) -> None:
        """Throw the new content away; ``dest`` is untouched."""
        if self._done:
            return
        self._done = True
        try:
            try:
                os.unlink(self.tmp)  # before closing, while the lock still marks it as ours
            except FileNotFoundError:
                pass
        finally:
            self._fp.close()

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self._done:
            self.abort()


def _lock_nowait(fd: int) -> bool:
    """Take an exclusive ``flock`` on ``fd`` if it is free; False if another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # no locks on this file system
        return True
    return True


def remove_stale_temp(path: str) -> bool:
    """Remove a temporary file that an interrupted textfix write left (``kill -9``, power loss).
    A textfix process writing it holds a lock on it, so a temporary file in use is never taken;
    returns whether ``path`` was removed."""
    if not is_temp_name(os.path.basename(path)):
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        if not _lock_nowait(fd) or not os.path.samestat(os.fstat(fd), os.lstat(path)):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _same_version(st: os.stat_result, expect: os.stat_result) -> bool:
    """True when ``st`` is the same file, same size and modification time, as ``expect``."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) == \
        (expect.st_dev, expect.st_ino, expect.st_size, expect.st_mtime_ns)


def _keep_backup(path: str, backup: str, expect: os.stat_result | None = None) -> None:
    """Make ``backup`` a copy of ``path`` without a moment where ``backup`` is half-written.

    With ``expect``, the backup must be that very file (a hard link to it): if ``path`` was
    replaced meanwhile, :class:`FileChanged` is raised and the old backup stays.
    """
    try:
        if os.path.samestat(os.stat(path), os.stat(backup)):
            # already a hard link of the file (rename() between two links of one file does
            # nothing, which would leave the temporary name behind)
            return
    except FileNotFoundError:
        pass
    directory = os.path.dirname(backup) or "."
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(backup)}{_TEMP_PREFIX}", suffix=".tmp",
                               dir=directory)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(path, tmp)
            kept = tmp  # the very file now under path
        except OSError:
            shutil.copy2(path, tmp)
            kept = path
        if expect is not None and not _same_version(os.stat(kept), expect):
            raise FileChanged(errno.EBUSY, f"{path} changed while it was being restored; left as it is")
        os.replace(tmp, backup)
        if os.path.lexists(tmp):  # backup was another link of the same file after all
            os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def open_locked(path: str, wait: Callable[[], None] | None = None) -> BinaryIO:
    """Open ``path`` for reading, holding an exclusive ``flock`` on it until the file is closed.

    ``--in-place`` holds this lock from reading a file to replacing it, so two textfix runs on one
    file take turns: the second waits, then reads what the first wrote (and its backup never
    receives restored text). Where the path was replaced while waiting, the new file is opened
    and locked. ``wait()`` is called between attempts (it may raise to give up). Where locks are
    not available the file is opened unlocked; ``AtomicWriter(expect=...)`` still refuses to
    replace a file that changed since it was read.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return open(path, "rb")
    while True:
        fp = open(path, "rb")
        try:
            while True:
                try:
                    fcntl.flock(fp.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if wait is not None:
                        wait()
                    else:
                        time.sleep(0.05)
                except OSError:  # e.g. a file system without locks
                    return fp
            if os.path.samestat(os.fstat(fp.fileno()), os.stat(path)):
                return fp
        except BaseException:
            fp.close()
            raise
        fp.close()  # replaced while we waited: lock the new file instead


def describe_os_error(exc: OSError) -> str:
    """``'Permission denied'``-style text for an OSError, without the Python noise."""
    return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))


# --------------------------------------------------------------------------- walking inputs

@dataclass(frozen=True)
class Found:
    """One input file: ``path`` to open, ``rel`` its path relative to the argument it came from."""

    path: str
    rel: str
    root: str | None  # the directory argument it was found under (None for a file argument)


def iter_files(root: str, globs: Iterable[str] = DEFAULT_GLOBS, *, exclude: Iterable[str] = (),
               stale: list[str] | None = None, errors: list[str] | None = None) -> Iterator[Found]:
    """Files under directory ``root`` whose name matches one of ``globs`` (case-insensitively),
    in sorted order.

    Hidden files and directories (``.name``), symbolic links and anything under the ``exclude``
    directories are skipped. Temporary files left by an interrupted textfix run are never
    returned; when ``stale`` is a list they are appended to it so the caller can mention them.
    A folder that cannot be listed is skipped and reported in ``errors`` (or raised as
    :class:`InputError` when ``errors`` is None).
    """
    globs = tuple(g.lower() for g in globs)
    excluded = {os.path.realpath(e) for e in exclude}

    def walk(directory: str, rel: str) -> Iterator[Found]:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            msg = f"{directory}: cannot list folder: {describe_os_error(exc)}"
            if errors is None:
                raise InputError(msg) from None
            errors.append(msg)
            return
        for entry in entries:
            name = entry.name
            if is_temp_name(name):
                if stale is not None:
                    stale.append(entry.path)
                continue
            if name.startswith("."):
                continue
            sub = f"{rel}/{name}" if rel else name
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    if os.path.realpath(entry.path) in excluded:
                        continue
                    yield from walk(entry.path, sub)
                elif entry.is_file() and any(fnmatch.fnmatchcase(name.lower(), g) for g in globs):
                    yield Found(entry.path, sub, root)
            except OSError:  # pragma: no cover - vanished while walking
                continue

    yield from walk(root, "")
