"""Running textfix over many files: one job per file, in worker processes, results in input order.

:func:`run_job` does everything for one file (read, restore, write atomically, build the diff or
report) and never raises for a bad input: it returns a :class:`Result` with a one-line ``error``.
:func:`run_jobs` feeds jobs to a process pool with a bounded number in flight (so a million files
need no million futures), yields results in the order the jobs were given, survives a worker
that dies (its files are reported as failed and left untouched), and stops cleanly on Ctrl-C.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import glob
import io
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .config import Config
from .fileio import (AtomicWriter, FileChanged, InputError, describe_os_error, open_locked, open_text,
                     remove_stale_temp)
from .formats import UnifiedDiff, process

__all__ = ["Job", "Result", "run_job", "run_jobs", "Interrupted", "default_jobs", "request_stop",
           "stop_requested", "reset_stop", "json_text", "count_job", "load_profile"]


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Job:
    """What to do with one input file."""

    path: str                       # file to read; "-" for standard input
    label: str                      # how the file is named in messages and reports
    fmt: str                        # "text" | "html" | "jsonl" | "parquet"
    config: Config
    encoding: str = "utf-8"
    field_name: str = "text"
    dest: str | None = None         # write the restored file here (atomically)
    backup: str | None = None       # with dest == path: keep the old version here
    only_if_changed: bool = False   # --in-place: leave unchanged files alone
    diff: bool = False              # build a unified diff
    report: bool = False            # build the per-file JSON report
    umask: int = 0o022
    record_rows: bool = False       # JSON Lines: keep each record's score (scan --records)
    spun_at: float = 0.5            # JSON Lines: a record at this score or above counts as spun
    profile: str | None = None      # a saved site profile (textfix learn) to restore with
    group_field: str | None = None  # JSON Lines / Parquet: the site field (--group-by)
    profiles: str | None = None     # --group-by: a folder of per-group profiles (channel.save_groups)
    documents: bool = False         # keep each document judged, with its edits (textfix report)
    doc_texts: int = 2000           # ... the texts of only the first this many (the others: "")
    scores_only: bool = False       # judge each document by spin_score alone: no edits (scan --scores-only)


#: edit sources that are tortured phrases (the list's fingerprints, and unlisted ones)
TORTURED_SOURCES = ("tortured:", "science:")


@dataclass
class Result:
    label: str
    ok: bool = True
    error: str = ""
    changed: bool = False
    edits: int = 0
    spin_score: float = 0.0
    bytes_read: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: str | None = None
    interrupted: bool = False
    #: JSON Lines: records judged, how many look spun (``spin_score >= job.spun_at``), the highest
    #: record score, and (with ``job.record_rows``) each record's ``{"line", "spin_score", "edits"}``.
    records: int = 0
    spun_records: int = 0
    record_max: float = 0.0
    record_rows: list[dict[str, object]] = field(default_factory=list)
    #: tortured phrases restored (issue 12): "spun\toriginal" (lowercase) -> occurrences
    tortured: dict[str, int] = field(default_factory=dict)
    #: The diff or JSON report (text), or, when large, ``spool_path`` to a temporary file holding it.
    output: str = ""
    spool_path: str | None = None
    #: With ``job.documents``: each document judged, ``{"text", "spin_score", "edits": [...]}``
    #: (edits as ``Edit.to_dict()``, offsets into ``text``), with ``line`` and ``group`` for records.
    documents: list[dict[str, object]] = field(default_factory=list)

    def take_output(self) -> Iterator[str]:
        """Yield the diff/report text in parts, removing a spool file once read."""
        if self.spool_path is None:
            if self.output:
                yield self.output
            return
        try:
            with open(self.spool_path, encoding="utf-8", errors="surrogateescape", newline="") as fp:
                while True:
                    part = fp.read(1 << 20)
                    if not part:
                        break
                    yield part
        finally:
            _unlink(self.spool_path)
            self.spool_path = None

    def discard_output(self) -> None:
        if self.spool_path is not None:
            _unlink(self.spool_path)
            self.spool_path = None
        self.output = ""


class LibraryError(Exception):
    """textfix itself failed on some text (a bug, or its tables could not be loaded)."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(f"{type(original).__name__}: {original}")
        self.original = original


class Interrupted(Exception):
    """The run was interrupted (Ctrl-C, SIGTERM) while a file was being processed."""


#: Set when the run is to stop (a signal in a worker; in the main process, ``request_stop()``):
#: the file being processed is abandoned at the next safe point and left as it was.
_interrupted = False


def _check_interrupt() -> None:
    if _interrupted:
        raise Interrupted()


#: Called in this process with the number of documents judged, after each piece of a file
#: restored here (the command line's progress for one large file; never set in workers).
_on_documents: Callable[[int], None] | None = None


def set_progress(callback: Callable[[int], None] | None) -> None:
    """Have ``callback(n)`` called as documents are judged by jobs run in this process."""
    global _on_documents
    _on_documents = callback


def request_stop() -> None:
    """Ask the jobs of this process (and, through :func:`run_jobs`, its workers) to stop."""
    global _interrupted
    _interrupted = True


def stop_requested() -> bool:
    return _interrupted


def reset_stop() -> None:
    """Forget an earlier stop (a new run in the same process)."""
    global _interrupted
    _interrupted = False


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(obj: object) -> str:
    """``json.dumps`` keeping non-ASCII text as it is, except lone surrogates (the undecodable
    bytes of a file name that is not UTF-8, as ``os.fsdecode`` gives them), which become
    ``\\udcXX`` escapes: valid JSON in UTF-8, and ``os.fsencode(json.loads(...))`` gives back
    the name's bytes."""
    text = json.dumps(obj, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class _Spool:
    """Collects text in memory, moving it to a temporary file past ``limit`` characters."""

    def __init__(self, limit: int = 4 * 1024 * 1024) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.fp: io.TextIOWrapper | None = None
        self.path: str | None = None

    def write(self, text: str) -> None:
        if self.fp is not None:
            self.fp.write(text)
            return
        self.parts.append(text)
        self.size += len(text)
        if self.size > self.limit:
            fd, self.path = tempfile.mkstemp(prefix="textfix-report-", suffix=".tmp")
            # a file name that is not UTF-8 (surrogate escapes) goes through as its own bytes
            self.fp = open(fd, "w", encoding="utf-8", errors="surrogateescape", newline="")
            self.fp.write("".join(self.parts))
            self.parts = []

    def finish(self, result: Result) -> None:
        if self.fp is not None:
            self.fp.close()
            result.spool_path = self.path
        else:
            result.output = "".join(self.parts)

    def discard(self) -> None:
        if self.fp is not None:
            self.fp.close()
        if self.path is not None:
            _unlink(self.path)
        self.parts = []


def run_job(job: Job, *, stdin: BinaryIO | None = None, sink: BinaryIO | None = None) -> Result:
    """Process one file. Input errors become ``Result(ok=False, error=...)``; nothing is written
    then (a half-written temporary file is removed, ``dest`` keeps its old content).

    ``stdin`` is the stream to read when ``job.path == "-"``; ``sink`` receives the restored bytes
    when the job has no ``dest``.
    """
    import textfix

    result = Result(job.label)
    spool = _Spool()
    writer: AtomicWriter | None = None
    finished = False
    fp: BinaryIO | None = None
    try:
        fp = _open_input(job, stdin)
        # an input file stays open (and, --in-place, locked) until it is replaced
        profile_of = _profile_source(job)
        if job.scores_only:
            from .edits import Explanation

            def explain(text: str, group: str | None = None, **kw: object) -> Explanation:
                # spin_score alone: the document's score, no edits, the text unchanged
                return Explanation(text, (), float(textfix.spin_score(text, profile=profile_of(group), **kw)))  # type: ignore[arg-type]
        else:
            def explain(text: str, group: str | None = None, **kw: object):  # noqa: ANN202
                return textfix.explain(text, profile=profile_of(group), **kw)  # type: ignore[arg-type]
        writer = _process(job, fp, result, spool, sink, explain)
        if writer is not None:
            if result.changed or not job.only_if_changed:
                try:
                    writer.commit()
                except FileChanged:
                    raise InputError(f"{job.label}: changed by another program while textfix was "
                                     f"restoring it; left as it is (run again)") from None
                except OSError as exc:
                    raise InputError(f"{job.label}: cannot write {job.dest}: "
                                     f"{describe_os_error(exc)}") from None
                result.written = job.dest
            else:
                writer.abort()
        spool.finish(result)
        finished = True
    except InputError as exc:
        result.ok, result.error = False, str(exc)
    except LibraryError as exc:
        # textfix itself failed on this input: report it and go on with the other files
        result.ok, result.error = False, f"{job.label}: textfix failed on this file ({exc}); please report it"
    except OSError as exc:
        result.ok, result.error = False, f"{job.label}: {describe_os_error(exc)}"
    except Interrupted:
        raise
    except Exception as exc:  # a bug here must not stop a run over many files
        result.ok, result.error = False, f"{job.label}: internal error ({type(exc).__name__}: {exc}); please report it"
    finally:
        if writer is not None:
            writer.abort()  # no-op after a commit
        if fp is not None and fp is not stdin:
            fp.close()
        if not finished:
            spool.discard()
            result.output = ""
            result.changed = False if result.written is None else result.changed
    return result


def _profile_source(job: Job) -> Callable[[str | None], object]:
    """group -> the profile a document of that group is restored (or scored) with: the job's
    per-group profiles, its one profile, or None (each document judged alone)."""
    if job.profiles is not None:
        from .groups import load_groups

        return load_groups(job.profiles).get
    profile = load_profile(job.profile) if job.profile is not None else None
    return lambda group: profile


def _in_place(job: Job) -> bool:
    return job.only_if_changed and job.dest is not None and job.path != "-"


def _lock_waiter(label: str) -> Callable[[], None]:
    """Called while another process holds the file's lock: stop on request, and say what is
    going on if it lasts (a stopped run, Ctrl-Z, holds its locks)."""
    start = time.monotonic()
    said = False

    def wait() -> None:
        nonlocal said
        _check_interrupt()
        if not said and time.monotonic() - start > 5:
            print(f"textfix: {label}: waiting for another process that is rewriting it "
                  f"(another textfix run?)", file=sys.stderr, flush=True)
            said = True
        time.sleep(0.05)
    return wait


def _open_input(job: Job, stdin: BinaryIO | None) -> BinaryIO:
    if job.path == "-":
        if stdin is None:  # pragma: no cover - programming error
            raise InputError("-: standard input is not available here")
        return stdin
    try:
        if _in_place(job):
            return open_locked(job.path, _lock_waiter(job.label))
        return open(job.path, "rb")
    except OSError as exc:
        raise InputError(f"{job.label}: cannot read: {describe_os_error(exc)}") from None


def _process(job: Job, fp: BinaryIO, result: Result, spool: _Spool, sink: BinaryIO | None,
             explain_fn: Callable[..., object]) -> AtomicWriter | None:
    """Read, restore and write to a temporary file; returns the uncommitted writer, if any."""
    config = job.config
    parquet = job.fmt == "parquet"
    if parquet and job.diff:
        raise InputError(f"{job.label}: a Parquet file is binary, so it has no --diff; "
                         f"--jsonl lists its edits")
    stream = None if parquet else open_text(fp, job.label, job.encoding)

    docs = result.documents if job.documents else None
    doc_start = 0  # the first document of the current piece

    def explain(text: str, group: str | None = None):  # noqa: ANN202 - returns textfix.Explanation
        _check_interrupt()
        try:
            ex = explain_fn(text, config=config) if group is None else explain_fn(text, config=config, group=group)
        except Exception as exc:
            raise LibraryError(exc) from exc
        if docs is not None:
            docs.append({"text": text if len(docs) < job.doc_texts else "", "spin_score": round(ex.spin_score, 4),
                         "edits": [e.to_dict() for e in ex.edits]})
        return ex

    writer: AtomicWriter | None = None
    out: BinaryIO | None = sink
    if job.dest is not None:
        if job.path != "-" and not job.only_if_changed and _same_file(job.path, job.dest):
            raise InputError(f"{job.label}: refusing to overwrite the input file {job.dest} "
                             f"(use --in-place to rewrite files)")
        try:
            parent = os.path.dirname(job.dest)
            if parent:
                os.makedirs(parent, exist_ok=True)
            # --in-place replaces the file only if it is still the one read (see open_locked)
            expect = os.fstat(fp.fileno()) if _in_place(job) else None
            writer = AtomicWriter(job.dest, backup=job.backup, umask=job.umask,
                                  mode=None if job.only_if_changed else 0o666 & ~job.umask,
                                  expect=expect)
        except OSError as exc:
            raise InputError(f"{job.label}: cannot write {job.dest}: {describe_os_error(exc)}") from None
    try:
        if parquet:  # binary: the restored file goes straight to the writer or sink
            from .parquet import process_parquet

            encoder = _encoder("utf-8")
            pieces = process_parquet(fp, explain, job.field_name, label=job.label,
                                     out=writer if writer is not None else out, group_field=job.group_field)
        else:
            encoder = _encoder(stream.codec)
            if writer is not None:
                writer.write(stream.bom)
            elif out is not None:
                out.write(stream.bom)
            pieces = process(job.fmt, stream.pieces, explain, field_name=job.field_name,
                             group_field=job.group_field)
        new_name = job.dest if job.dest is not None and not job.only_if_changed else job.label
        diff = UnifiedDiff(job.label, new_name, spool.write) if job.diff else None
        if job.report:  # streamed: a huge file's edits never pile up in memory
            spool.write(json_text({"path": job.label, "format": job.fmt})[:-1]
                        + ', "edits": [')
        n_reported = 0
        notes: list[str] = []
        total_w = 0
        total_s = 0.0
        for piece in pieces:
            if piece.edits:
                result.changed = result.changed or piece.out != piece.src or piece.rewritten
                result.edits += len(piece.edits)
                for e in piece.edits:
                    if str(e.get("source", "")).startswith(TORTURED_SOURCES):
                        spun, orig = str(e["spun"]).lower(), str(e["original"]).lower()
                        if "+grammar:a-an" in str(e["source"]):  # "an irregular woodland": the phrase
                            spun, orig = spun.split(" ", 1)[-1], orig.split(" ", 1)[-1]
                        key = f"{spun}\t{orig}"
                        result.tortured[key] = result.tortured.get(key, 0) + 1
                if job.report:
                    for e in piece.edits:
                        spool.write((", " if n_reported else "") + json_text(e))
                        n_reported += 1
            for score, weight in piece.scores:
                total_s += score * weight
                total_w += weight
            if docs is not None:  # records are judged in order: each document gets its line
                for doc, rec in zip(docs[doc_start:], piece.records):
                    doc["line"] = rec["line"]
                    if "group" in rec:
                        doc["group"] = rec["group"]
                doc_start = len(docs)
            for rec in piece.records:
                result.records += 1
                score = float(rec["spin_score"])  # type: ignore[arg-type]
                result.spun_records += score >= job.spun_at
                result.record_max = max(result.record_max, score)
                if job.record_rows:
                    result.record_rows.append(rec)
            for note in piece.notes:
                if note not in notes:
                    notes.append(note)
            result.warnings.extend(piece.warnings)
            if writer is not None or out is not None:
                try:
                    data = encoder(piece.out)
                except UnicodeEncodeError as exc:
                    raise InputError(f"{job.label}: the restored text cannot be written in "
                                     f"{stream.codec}: {exc.reason}") from None
                if writer is not None:
                    try:
                        writer.write(data)
                    except OSError as exc:
                        raise InputError(f"{job.label}: cannot write {job.dest}: "
                                         f"{describe_os_error(exc)}") from None
                else:
                    out.write(data)  # type: ignore[union-attr]
            if diff is not None:
                diff.feed(piece.src, piece.out)
            if _on_documents is not None and piece.scores:
                _on_documents(len(piece.scores))
            _check_interrupt()
        if diff is not None:
            diff.close()
        result.spin_score = round(total_s / total_w, 4) if total_w else 0.0
        result.notes = notes
        result.bytes_read = _size(fp) if parquet else stream.bytes_read  # type: ignore[union-attr]
        if job.report:
            tail = {"spin_score": result.spin_score, "changed": result.changed, "notes": notes}
            spool.write("], " + json_text(tail)[1:] + "\n")
        done, writer = writer, None
        return done
    finally:
        if writer is not None:
            writer.abort()


_PROFILES: dict[tuple, object] = {}


def load_profile(path: str):  # noqa: ANN201 - a textfix.Profile
    """A saved profile, loaded once per process (per file version)."""
    from .profile import Profile

    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    hit = _PROFILES.get(key)
    if hit is None:
        _PROFILES.clear()
        hit = _PROFILES[key] = Profile.load(path)
    return hit


def count_job(job: Job, counts: object, *, stdin: BinaryIO | None = None) -> int:
    """Add the documents of one input file to ``counts`` (a ``textfix.channel.Counts``; with
    ``job.group_field``, a ``textfix.groups.GroupCounts``), read
    exactly as restoring reads them (formats, parts, fields); returns how many. An input that
    cannot be read adds nothing here: the restore pass reports it."""
    from .edits import Explanation

    n = 0

    def collect(text: str, group: str | None = None) -> Explanation:
        nonlocal n
        _check_interrupt()
        if job.group_field is None:
            counts.add(text)  # type: ignore[attr-defined]
        else:  # a textfix.groups.GroupCounts
            counts.add(text, group=group)  # type: ignore[attr-defined]
        n += 1
        return Explanation(text, (), 0.0)

    try:
        with contextlib.nullcontext(stdin) if stdin is not None else open(job.path, "rb") as fp:
            if job.fmt == "parquet":
                from .parquet import process_parquet

                pieces = process_parquet(fp, collect, job.field_name, label=job.label,
                                         group_field=job.group_field)
            else:
                pieces = process(job.fmt, open_text(fp, job.label, job.encoding).pieces, collect,
                                 field_name=job.field_name, group_field=job.group_field)
            for _ in pieces:
                pass
    except (InputError, OSError, UnicodeError, ValueError):
        return n
    return n


def _size(fp: BinaryIO) -> int:
    try:
        return os.fstat(fp.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return 0


def _encoder(codec: str) -> Callable[[str], bytes]:
    import codecs

    enc = codecs.getincrementalencoder(codec)("strict")
    return enc.encode


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


# --------------------------------------------------------------------------- many jobs

#: Seconds a stopping worker may take to reach a safe point before it is killed (its temporary
#: file is then removed by the main process).
STOP_GRACE = 10.0
#: How often the main process checks for a stop while it waits for a result, and workers check
#: that their parent is alive.
POLL = 0.1

_busy = False  # a worker is inside a job
#: How the main process tells its workers to stop (not SIGTERM, which nohup may have ignored).
_STOP_SIGNAL = getattr(signal, "SIGUSR1", signal.SIGTERM)


def _worker_init() -> None:
    """Workers note Ctrl-C / SIGTERM and stop at the next safe point (no half-written files), and
    exit when the main process dies (``kill -9``): they are never left running on their own."""
    def stop(signum: int, frame: object) -> None:
        request_stop()

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:  # e.g. nohup, or "&" in a script
            signal.signal(sig, stop)
    signal.signal(_STOP_SIGNAL, stop)  # the main process's own "stop now"
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True,
                     name="textfix-watch-parent").start()


def _watch_parent(parent: int) -> None:
    """Exit once the parent is gone: first let the current job stop at a safe point."""
    while os.getppid() == parent:
        time.sleep(POLL)
    request_stop()
    deadline = time.monotonic() + STOP_GRACE
    while _busy and time.monotonic() < deadline:
        time.sleep(0.02)
    os._exit(1)


def _run_in_worker(job: Job) -> Result:
    global _busy
    if _interrupted:
        return Result(job.label, ok=False, error=f"{job.label}: not processed (interrupted)",
                      interrupted=True)
    _busy = True
    try:
        return run_job(job)
    except Interrupted:
        return Result(job.label, ok=False, error=f"{job.label}: interrupted, left unchanged",
                      interrupted=True)
    finally:
        _busy = False


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    # fork shares the loaded tables with the workers for free; fall back elsewhere (macOS, Windows)
    if "fork" in methods and sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _cleanup_temp_files(job: Job) -> None:
    """Remove temporary files a killed worker may have left for ``job``."""
    if job.dest is None:
        return
    for target in (job.dest, job.backup):
        if target is None:
            continue
        directory, name = os.path.split(target)
        for path in glob.glob(os.path.join(glob.escape(directory or "."), f".{glob.escape(name)}.textfix-*.tmp")):
            remove_stale_temp(path)  # not one another run is writing


def run_jobs(jobs: Iterable[Job], workers: int, *, on_pool_start: Callable[[], None] | None = None,
             on_pool_stop: Callable[[], None] | None = None, max_restarts: int = 2,
             local: Callable[[Job], bool] | None = None,
             run_local: Callable[[Job], Result] | None = None) -> Iterator[Result]:
    """Run ``jobs`` on ``workers`` processes and yield their results in the jobs' order.

    At most ``8 * workers`` jobs are in flight. If a worker process dies, the files it may have
    been working on are reported as failed (they were not changed: writes are atomic) and a new
    pool takes over, at most ``max_restarts`` times; after that the remaining files are reported
    as not processed. Jobs for which ``local(job)`` is true (standard input) run in this process
    with ``run_local``.

    The run stops on :func:`request_stop` (checked every :data:`POLL` seconds), on
    ``KeyboardInterrupt``, or when a worker was interrupted (someone signalled it): the workers
    are told to stop at their next safe point, the files they completed are still yielded (so a
    summary matches the disk), and then :class:`Interrupted` is raised.
    """
    it = iter(jobs)
    window = max(4, 8 * workers)
    restarts = 0
    pending: deque[tuple[Job, cf.Future[Result]]] = deque()
    exhausted = False
    ctx = _mp_context()

    def new_pool() -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)

    pool = new_pool()
    started = False
    try:
        while True:
            while not exhausted and len(pending) < window and not _interrupted:
                try:
                    job = next(it)
                except StopIteration:
                    exhausted = True
                    break
                try:
                    if local is not None and run_local is not None and local(job):
                        res = run_local(job)  # may raise on a stop: nothing is pending for it then
                        done: cf.Future[Result] = cf.Future()
                        done.set_result(res)
                        pending.append((job, done))
                    else:
                        pending.append((job, pool.submit(_run_in_worker, job)))
                except cf.process.BrokenProcessPool:
                    pending.append((job, _failed_future(job)))
            if not started:
                started = True
                if on_pool_start is not None:
                    on_pool_start()
            if not pending:
                if _interrupted and not exhausted:
                    raise Interrupted()  # jobs are left that were never started
                return
            job, fut = pending[0]
            if not _wait(fut):
                raise Interrupted()
            pending.popleft()
            try:
                result = fut.result()
            except cf.process.BrokenProcessPool:
                # A worker died (killed, out of memory, crashed): none of the in-flight files
                # was changed. Report them and carry on with a fresh pool.
                broken = [(job, fut)] + list(pending)
                pending.clear()
                _shutdown(pool)
                restarts += 1
                give_up = restarts > max_restarts
                if on_pool_stop is not None:
                    on_pool_stop()
                for j, f in broken:
                    res = _done_result(f)
                    if res is None:
                        _cleanup_temp_files(j)
                        res = Result(j.label, ok=False,
                                     error=f"{j.label}: a worker process died while this file was "
                                           f"being processed; the file is intact")
                    yield res
                if give_up:
                    for j in it:
                        yield Result(j.label, ok=False,
                                     error=f"{j.label}: not processed (worker processes keep dying)")
                    return
                pool = new_pool()
                started = False
                continue
            if result.interrupted:
                raise Interrupted()  # a worker was signalled: the whole run stops
            yield result
    except (KeyboardInterrupt, Interrupted):
        # Stop the workers at their next safe point, then report the files that were still
        # completed (in order), so the summary matches the disk.
        _stop_workers(pool, pending)
        for _, fut in pending:
            late = _done_result(fut)
            if late is not None and not late.interrupted:
                yield late
        pending.clear()
        raise Interrupted() from None
    except BaseException:  # GeneratorExit (the caller stopped reading) or a bug
        _stop_workers(pool, pending)
        for _, fut in pending:
            late = _done_result(fut)
            if late is not None:
                late.discard_output()
        pending.clear()
        raise
    finally:
        _shutdown(pool)


def _wait(fut: cf.Future[Result]) -> bool:
    """Wait for ``fut``; False as soon as a stop is requested instead. Never raises for a signal:
    a ``KeyboardInterrupt`` inside the pool's own code can leave it hanging (an unfinished
    shutdown), so signal handlers here only set a flag."""
    while not _interrupted:
        try:
            cf.wait([fut], timeout=POLL)
        except InterruptedError:  # pragma: no cover - retried by Python itself
            continue
        if fut.done():
            return True
    return fut.done()


def _done_result(fut: cf.Future[Result]) -> Result | None:
    if fut.done() and not fut.cancelled() and fut.exception() is None:
        return fut.result()
    return None


def _worker_pids(pool: cf.ProcessPoolExecutor) -> list[int]:
    procs = getattr(pool, "_processes", None) or {}  # not public, but stable since Python 3.2
    return [p.pid for p in list(procs.values()) if p.pid is not None and p.is_alive()]


def _signal_workers(pool: cf.ProcessPoolExecutor, sig: int) -> None:
    for pid in _worker_pids(pool):
        try:
            os.kill(pid, sig)  # type: ignore[arg-type]
        except (ProcessLookupError, PermissionError):
            pass


def _stop_workers(pool: cf.ProcessPoolExecutor, pending: deque[tuple[Job, cf.Future[Result]]]) -> None:
    """Make every in-flight job end quickly without cancelling futures (a cancelled future the
    pool still completes kills its management thread with InvalidStateError, and the run hangs):
    the stop signal makes a worker stop its file at the next safe point and answer the queued jobs with
    "not processed". A worker that takes longer than :data:`STOP_GRACE` is killed and the
    temporary files of its jobs are removed."""
    _signal_workers(pool, _STOP_SIGNAL)
    deadline = time.monotonic() + STOP_GRACE
    for _, fut in pending:
        while not fut.done() and time.monotonic() < deadline:
            try:
                cf.wait([fut], timeout=POLL)
            except BaseException:  # a second Ctrl-C: keep stopping
                pass
    if any(not fut.done() for _, fut in pending):
        _signal_workers(pool, signal.SIGKILL)
        for job, fut in pending:
            if not fut.done():
                _cleanup_temp_files(job)


def _shutdown(pool: cf.ProcessPoolExecutor) -> None:
    try:
        pool.shutdown(wait=True)
    except BaseException:  # pragma: no cover - a second signal while shutting down
        _signal_workers(pool, signal.SIGKILL)
        pool.shutdown(wait=False)


def _failed_future(job: Job) -> cf.Future[Result]:
    fut: cf.Future[Result] = cf.Future()
    fut.set_exception(cf.process.BrokenProcessPool("pool broken"))
    return fut
