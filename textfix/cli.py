"""The ``textfix`` command: ``clean``, ``scan`` and ``explain``.

``main(argv) -> int`` never calls ``sys.exit`` itself, so it can be tested in-process;
``python -m textfix`` and the ``textfix`` console script both end in ``raise SystemExit(main())``.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import gc
import io
import itertools
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from . import __version__
from . import batch
from .batch import Interrupted, Job, Result, json_text, run_job, run_jobs, default_jobs
from .channel import LEARN_MIN_TEXTS, LEARN_MIN_WORDS, enough_to_learn
from .config import CHECK_MODEL_NAMES, DEFAULT_TABLES, DOMAIN_NAMES, SCORER_NAMES, TABLE_NAMES, Config
from .errors import TableError
from .fileio import (DEFAULT_GLOBS, AtomicWriter, Found, InputError, describe_os_error, iter_files, open_text,
                     remove_stale_temp, resolve_encoding)
from .formats import FORMATS, format_for_path, process

__all__ = ["main", "EXIT_OK", "EXIT_CHANGED", "EXIT_USAGE", "EXIT_FAILED", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_CHANGED = 1       # --check: something would change
EXIT_USAGE = 2         # bad command line
EXIT_FAILED = 3        # some inputs could not be processed
EXIT_INTERRUPTED = 130  # SIGINT (Ctrl-C): 128 + 2
EXIT_BROKEN_PIPE = 141  # standard output closed (e.g. "| head"): 128 + SIGPIPE
EXIT_TERMINATED = 143   # SIGTERM: 128 + 15

EXIT_CODES = """\
exit status:
  0  success
  1  with --check: some file would change
  2  usage error (bad option or combination of options)
  3  some inputs failed (unreadable, binary, not valid in the encoding, not writable, changed
     meanwhile by another program); the other inputs were still processed. Also: no file found
     (a --glob that matches nothing), or the tables cannot be loaded. 3 wins over 1.
  130 interrupted (Ctrl-C), 143 terminated (SIGTERM), 141 standard output closed (| head):
     the run stopped at a safe point; every file is either untouched or completely rewritten
"""

MAIN_DESCRIPTION = """\
Restore text that an article spinner rewrote with synonyms (a spinner turns "A rare trip by
Russia's defense minister" into "A uncommon journey by Russia's protection minister"): find the
swapped phrases and put back the likely original wording. Clean text is left alone.
"""

MAIN_EPILOG = f"""\
commands:
  clean    restore files, folders or standard input (to stdout, a mirror folder, or in place)
  scan     list files with their spin score and number of suspected spun phrases
  explain  show every edit in context, with its confidence and reason
  learn    learn a site's spinner from its files and save it as a profile (a TSV to review)
  report   one self-contained HTML page: spin scores, sites ranked, every edit highlighted

Run "textfix COMMAND --help" for the options of a command.

examples:
  textfix clean article.txt > restored.txt
  textfix clean scraped/ --diff | less
  textfix clean scraped/ -o restored/
  textfix scan scraped/ --sort score --threshold 0.5
  textfix explain "A uncommon journey by the protection minister"
  textfix learn site/ -o site.profile.tsv && textfix clean new-pages/ --profile site.profile.tsv -o out/
  textfix report crawl/ -o report.html

{EXIT_CODES}"""

CLEAN_DESCRIPTION = """\
Restore spun phrases in files. PATH is a file, a folder (searched recursively for the --glob
patterns; hidden files and symbolic links are skipped) or - for standard input.

Where the result goes:
  one input, no other option   the restored text is printed on stdout
  -o DIR                       the restored files are written under DIR, mirroring the inputs
  --in-place                   changed files are rewritten (unchanged ones are not touched)
  --diff / --jsonl / --check   report only, nothing is written (unless with -o / --in-place)

An input is never overwritten without --in-place. Every write goes to a hidden temporary file
in the same folder that is renamed over the target only when complete, so an interrupted run
(Ctrl-C, kill, full disk) leaves each file either as it was or fully restored; a temporary file
left by kill -9 is removed by the next run that writes there. Each file is processed once per
run, even if reached twice. --in-place locks each file from reading to replacing and replaces
it only if it is still the file read, so a --backup always holds exactly the replaced bytes.

Formats: plain text; HTML (.html .htm .xhtml, or --format html), where only visible text is
restored and all markup stays byte-for-byte; JSON Lines (.jsonl .ndjson, or --format jsonl),
where only the --field string of each record is rewritten and everything else is kept;
Parquet (.parquet .pq, needs pyarrow: pip install 'textfix[parquet]'), where only the --field
string column is rewritten (row by row, one row group at a time) and every other column, the
schema and the compression are kept; a file in which nothing changes is copied byte for byte.
Encoding: UTF-8 unless --encoding; a byte-order mark and CRLF line ends are kept. A file that
is binary or not valid in the encoding is reported (with the byte offset) and skipped.

Large files are read in bounded memory: plain text is judged in documents of about 64 K
characters of whole paragraphs (a typical article is judged whole), HTML in stretches of
about 64 K characters of visible text, JSON Lines one record at a time, Parquet 1,024 rows at
a time.

Learning: a spinner applies one dictionary to every page, so when the inputs hold at least
10 documents (and 2,000 words), clean first reads them all (a quick pass of counts) and learns the spinner's
profile from them, then restores each with it: a word the spinner replaced is missing from
every page, its output turns up everywhere. --profile FILE restores with a saved profile
(textfix learn) instead; --no-learn judges each document alone. Standard input is not learned
from. Folders of clean text learn (next to) nothing and change nothing.
"""

CLEAN_EPILOG = f"""\
examples:
  textfix clean article.txt > restored.txt       one file to stdout
  textfix clean --format html - < page.html      standard input
  textfix clean scraped/ -o restored/            mirror a folder of .txt/.html/.jsonl files
  textfix clean scraped/ --diff | less           see what would change (a unified diff)
  textfix clean scraped/ --jsonl > report.jsonl  one JSON object per file, with every edit
  textfix clean scraped/ --in-place --backup .orig
  textfix clean dump.jsonl --field body -o out/  JSON Lines: restore each record's "body"
  textfix clean scraped/ --check                 for CI: exit 1 if anything would change
  textfix clean scraped/ --min-confidence 0.8    more cautious
  textfix clean site/ -o out/ --save-profile site.profile.tsv   keep what was learned
  textfix clean new/ --profile site.profile.tsv -o out/         restore with a saved profile

{EXIT_CODES}"""

LEARN_DESCRIPTION = """\
Learn the spinner of a site from its files: PATH is a file, a folder (searched recursively as
clean does) or - for standard input. A dictionary spinner applies one dictionary to every page:
a word it replaces ("said") all but vanishes from the body text of every page, and its output
("mentioned") turns up in the original's contexts. The profile lists each such pair with its
evidence (body counts observed and expected, the language model's preference in the spun
word's contexts, the belief in the pair) and, with spun "*", each original's body count. It is
a plain TSV to read, review and edit; clean --profile FILE restores with it. The more pages,
the more it finds: two articles give away "said", a few hundred most of the common words.
"""

LEARN_EPILOG = f"""\
examples:
  textfix learn site/ -o site.profile.tsv
  textfix learn dump.jsonl --field body -o site.profile.tsv
  textfix clean new-pages/ --profile site.profile.tsv -o restored/

{EXIT_CODES}"""

SCAN_DESCRIPTION = """\
One row per file: its spin score (0 clean .. 1 certainly spun; for a large text or HTML file
the length-weighted mean over its documents; for a JSON Lines file the score of its most spun
record, since each record is a document of its own) and the number of phrases textfix would
restore. --records lists each JSON Lines record as PATH:LINE (a Parquet row as PATH:ROW). A table on a terminal, plain
columns when piped, or --jsonl / --csv. Nothing is written. --scores-only gives the scores alone
(textfix.spin_score), several times faster: for a first pass over a crawl.
"""

REPORT_DESCRIPTION = """\
Restore the inputs as clean does (nothing is written but the page) and make one HTML page to
look at: the distribution of spin scores over the documents (a chart), the sites ranked by how
spun they are (the --group-by field of JSON Lines / Parquet records, else each file's folder), the
most frequent restorations, and each document with its edits highlighted (spun words struck
through, the original after them, confidence and source on hover), filterable by site and
score. The page needs no network to be viewed (the chart library is inside it).
"""

REPORT_EPILOG = f"""\
examples:
  textfix report crawl/ -o report.html
  textfix report dump.parquet --field body --group-by domain -o report.html
  textfix report site/ --profile site.profile.tsv -o report.html --max-docs 500

{EXIT_CODES}"""

SCAN_EPILOG = f"""\
examples:
  textfix scan scraped/
  textfix scan scraped/ --sort score --threshold 0.5     only the spun files, worst first
  textfix scan scraped/ --csv > scores.csv
  textfix scan dump.jsonl --records --threshold 0.5      the spun records of a dump
  textfix scan crawl/ --scores-only --no-learn --csv     spin scores only, the fastest

{EXIT_CODES}"""

EXPLAIN_DESCRIPTION = """\
Restore one text and show every edit in its context: the spun words, the likely original,
the confidence and why. TEXT is the text itself, or the path of a file, read as clean reads it
(HTML: visible text only; JSON Lines: each record on its own), so explain shows exactly the
edits "textfix clean FILE" makes. A TEXT that looks like a file name (one word with a / or an
extension) but is no file is an error. - (or no TEXT with piped input) reads standard input.
Coloured on a terminal, plain when piped; --json for a program.
"""

EXPLAIN_EPILOG = f"""\
examples:
  textfix explain "A uncommon journey by Russia's protection minister final week"
  textfix explain article.txt
  textfix explain page.html                    only the visible text, as clean does
  textfix explain dump.jsonl --field body      each record judged on its own
  textfix explain --json - < article.txt | jq .edits

{EXIT_CODES}"""


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _unit_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _add_config_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("restoring options (see textfix.Config)")
    g.add_argument("--min-confidence", type=_unit_float, metavar="X",
                   help="make an edit only when its confidence is at least X (0..1, default 0.5; "
                        "higher is more cautious)")
    for name, what in (("quotes", "text inside quotation marks"),
                       ("names", "capitalised words that do not start a sentence"),
                       ("urls", "URLs and e-mail addresses"),
                       ("numbers", "numbers and figures")):
        g.add_argument(f"--no-protect-{name}", dest=f"protect_{name}", action="store_const",
                       const=False, default=None, help=f"also restore {what} (left alone by default)")
    g.add_argument("--no-adaptive-protection", dest="adaptive_protection", action="store_const",
                   const=False, default=None,
                   help="never edit quoted speech or names, even in documents whose quotes or "
                        "names were visibly spun too (by default quoted phrases are weighed by how "
                        "likely the quotes are to be spun)")
    g.add_argument("--no-document-gating", dest="document_gating", action="store_const",
                   const=False, default=None,
                   help="judge each phrase on its own instead of first asking whether the whole "
                        "document looks spun (changes clean text more often)")
    g.add_argument("--tables", metavar="NAMES",
                   help=f"comma-separated tables that propose candidates, of {', '.join(TABLE_NAMES)} "
                        f"(default: {','.join(DEFAULT_TABLES)}; add tortured for science papers)")
    g.add_argument("--scorer", choices=SCORER_NAMES, help="context model (default: trigram)")
    g.add_argument("--check-model", dest="check_model", choices=CHECK_MODEL_NAMES,
                   help="weigh the uncertain edits again with a small causal language model "
                        "(smollm2: SmolLM2-135M; pip install 'textfix[smollm]'; slow: seconds a page)")
    g.add_argument("--domain", dest="domains", choices=DOMAIN_NAMES,
                   help="science: read every document as a science paper (tortured phrases, listed "
                        "or not; scan lists them per document); news: never; auto (default): when its "
                        "vocabulary is scientific")


def _add_learn_options(p: argparse.ArgumentParser, *, save: bool = True) -> None:
    g = p.add_argument_group("learning the site's spinner")
    how = g.add_mutually_exclusive_group()
    how.add_argument("--profile", metavar="FILE",
                     help="restore with this saved profile (from textfix learn) instead of learning")
    how.add_argument("--no-learn", action="store_true",
                     help="judge each document alone (by default a run over at least "
                          f"{LEARN_MIN_TEXTS} documents first learns their spinner)")
    if save:
        g.add_argument("--save-profile", metavar="FILE",
                       help="also write the profile learned from the inputs to FILE")


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, or - for standard input")
    g = p.add_argument_group("input")
    g.add_argument("--glob", action="append", metavar="PATTERN",
                   help="in folders, the file names to take (repeatable; default: "
                        f"{' '.join(DEFAULT_GLOBS)})")
    g.add_argument("--format", choices=("auto",) + FORMATS, default="auto",
                   help="how to read files (default auto: by extension, text for stdin and others)")
    g.add_argument("--field", default="text", metavar="NAME",
                   help="JSON Lines / Parquet: the string field (column) to restore (default: text)")
    g.add_argument("--encoding", default="utf-8", metavar="ENC",
                   help="encoding of the inputs, also used to write them (default: utf-8)")
    g.add_argument("--group-by", metavar="FIELD",
                   help="JSON Lines / Parquet: the field naming each record's site or domain: one "
                        "profile is learned per site, each record restored with its own site's")
    g.add_argument("-j", "--jobs", type=_positive_int, metavar="N",
                   help=f"worker processes (default: all cores, here {default_jobs()})")
    g.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar, summary or per-file remarks on stderr (errors still)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="textfix", description=MAIN_DESCRIPTION, epilog=MAIN_EPILOG,
                     formatter_class=_formatter)
    parser.add_argument("--version", action="version", version=f"textfix {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    clean = sub.add_parser("clean", help="restore files, folders or standard input",
                           description=CLEAN_DESCRIPTION, epilog=CLEAN_EPILOG, formatter_class=_formatter)
    _add_input_options(clean)
    out = clean.add_argument_group("output")
    where = out.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="DIR",
                       help="write restored files under DIR, mirroring the inputs' tree")
    where.add_argument("--in-place", action="store_true",
                       help="rewrite changed input files (atomically)")
    out.add_argument("--backup", metavar="SUFFIX",
                     help="with --in-place: keep each changed file's old version as FILE+SUFFIX")
    show = out.add_mutually_exclusive_group()
    show.add_argument("--diff", action="store_true",
                      help="print a unified diff of what changes (nothing is written unless -o/--in-place)")
    show.add_argument("--jsonl", action="store_true",
                      help="print one JSON object per file: path, spin_score, changed, edits (with "
                           "offsets, confidence, source), notes; or path and error")
    out.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if any file would change (for CI)")
    _add_learn_options(clean)
    _add_config_options(clean)
    clean.set_defaults(func=_cmd_clean)

    scan = sub.add_parser("scan", help="list files with their spin score",
                          description=SCAN_DESCRIPTION, epilog=SCAN_EPILOG, formatter_class=_formatter)
    _add_input_options(scan)
    so = scan.add_argument_group("output")
    fmt = so.add_mutually_exclusive_group()
    fmt.add_argument("--jsonl", action="store_true", help="one JSON object per file")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    so.add_argument("--sort", choices=("path", "score", "edits"), default="path",
                    help="row order: path (the input order, default), or score / edits (highest first)")
    so.add_argument("--threshold", type=_unit_float, metavar="X",
                    help="list only files whose spin score is at least X")
    so.add_argument("--records", action="store_true",
                    help="JSON Lines: one row per record (PATH:LINE) instead of per file")
    so.add_argument("--scores-only", action="store_true",
                    help="the spin score alone, several times faster: no count of suspected phrases "
                         "(the edits column is empty); with --no-learn the fastest triage of a crawl")
    _add_learn_options(scan)
    _add_config_options(scan)
    scan.set_defaults(func=_cmd_scan)

    learn = sub.add_parser("learn", help="learn a site's spinner from its files (a profile)",
                           description=LEARN_DESCRIPTION, epilog=LEARN_EPILOG, formatter_class=_formatter)
    _add_input_options(learn)
    lo = learn.add_argument_group("output")
    lo.add_argument("-o", "--output", metavar="FILE", required=True,
                    help="where to write the profile (a TSV; - for standard output)")
    lo.add_argument("--sources", metavar="NAMES",
                    help="comma-separated candidate sources, of phrases, family, moby, mythes, wordnet (the Debian "
                         "thesauri, when installed), context (default: "
                         "phrases,family,moby; context finds originals no table lists, less precisely)")
    lo.add_argument("--top", type=int, default=10, metavar="N",
                    help="substitutions listed in the summary (default 10)")
    learn.set_defaults(func=_cmd_learn)

    rep = sub.add_parser("report", help="one HTML page about the inputs: scores, sites, every edit",
                         description=REPORT_DESCRIPTION, epilog=REPORT_EPILOG, formatter_class=_formatter)
    _add_input_options(rep)
    ro = rep.add_argument_group("output")
    ro.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write the page (.html)")
    ro.add_argument("--title", default="textfix report", help="the page's title")
    ro.add_argument("--max-docs", type=_positive_int, default=None, metavar="N",
                    help="documents shown in full (default 2000; the chart and tables count all)")
    _add_learn_options(rep, save=False)
    _add_config_options(rep)
    rep.set_defaults(func=_cmd_report)

    exp = sub.add_parser("explain", help="show each edit in context",
                         description=EXPLAIN_DESCRIPTION, epilog=EXPLAIN_EPILOG, formatter_class=_formatter)
    exp.add_argument("text", nargs="?", metavar="TEXT",
                     help="the text, a plain-text file's path, or - for standard input")
    exp.add_argument("--encoding", default="utf-8", metavar="ENC",
                     help="encoding of standard input or the file (default: utf-8)")
    exp.add_argument("--format", choices=("auto",) + FORMATS, default="auto",
                     help="how to read the text (default auto: by the file's extension, as clean "
                          "does; text for standard input and TEXT)")
    exp.add_argument("--field", default="text", metavar="NAME",
                     help="JSON Lines: the string field to restore (default: text)")
    exp.add_argument("--context", type=int, default=40, metavar="N",
                     help="characters of context shown each side of an edit (default 40)")
    exp.add_argument("--json", action="store_true",
                     help="print the explanation as one JSON object")
    _add_learn_options(exp, save=False)
    _add_config_options(exp)
    exp.set_defaults(func=_cmd_explain)
    return parser


# --------------------------------------------------------------------------- entry point

def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see ``textfix --help``)."""
    # Parquet: pyarrow's default allocator (mimalloc) keeps what it freed; the system one gives it
    # back. Reading a 10,000-row Parquet file peaked at 119 MB with mimalloc, 89 MB with the system
    # allocator; restoring it (a stand-in restorer) 191 -> 163 MB (benchmarks/RESULTS.md, issue 15).
    # Only when pyarrow is not yet loaded (it reads this once), and never over the user's choice.
    if "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"textfix: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except BrokenPipeError:  # "textfix --help | head -1"
        _stdout_closed()
        return EXIT_BROKEN_PIPE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _Stop.reset()
    old_handlers = _install_signal_handlers()
    try:
        rc = args.func(args)
    except UsageError as exc:
        print(f"textfix {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, Interrupted):
        print(f"textfix: {_Stop.message()}" if _Stop.signum else "textfix: interrupted", file=sys.stderr)
        return _Stop.status() if _Stop.signum else EXIT_INTERRUPTED
    except _LoadError as exc:
        print(f"textfix: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        _stdout_closed()
        rc = EXIT_BROKEN_PIPE
    finally:
        _restore_signal_handlers(old_handlers)
        batch.reset_stop()  # the library in this process is usable again
    if _Stop.signum:  # a signal came after the last check: the run may be incomplete
        return _Stop.status()
    if _Stop.pipe_closed:  # the output is incomplete, whatever else happened
        if _Stop.stdout_error and not _Stop.reported:
            print(f"textfix: {_Stop.stdout_error}", file=sys.stderr)
        return _Stop.status()
    return rc


def _config(args: argparse.Namespace) -> Config:
    kw: dict[str, object] = {}
    for f in dataclasses.fields(Config):
        value = getattr(args, f.name, None)
        if value is not None:
            kw[f.name] = value
    if isinstance(kw.get("tables"), str):
        kw["tables"] = tuple(t.strip() for t in str(kw["tables"]).split(",") if t.strip())
    try:
        return Config(**kw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None


def _encoding(name: str) -> str:
    try:
        return resolve_encoding(name)
    except LookupError:
        raise UsageError(f"unknown encoding {name!r}") from None


# --------------------------------------------------------------------------- output helpers

def _write_stdout(text: str) -> None:
    """Print ``text`` as UTF-8 (file names that are not UTF-8 are escaped before this); once the
    reader has gone (``| head``), nothing more is printed and the run stops (exit 141)."""
    if _Stop.pipe_closed:
        return
    buf = getattr(sys.stdout, "buffer", None)
    try:
        if buf is None:
            sys.stdout.write(text)
        else:
            sys.stdout.flush()
            buf.write(_encode_out(text))
    except OSError as exc:
        _stdout_failed(exc)


def _encode_out(text: str) -> bytes:
    """UTF-8; a file name that is not UTF-8 is printed as its own bytes, as ``ls`` does."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return text.encode("utf-8", "backslashreplace")


def printable(text: str) -> str:
    """``text`` for a terminal or a message: the bytes of a name that is not UTF-8 as ``\\xNN``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _write_stdout_bytes(data: bytes) -> None:
    if _Stop.pipe_closed:
        return
    out = getattr(sys.stdout, "buffer", None)
    try:
        if out is None:
            sys.stdout.write(data.decode("utf-8", "replace"))
        else:
            out.write(data)
    except OSError as exc:
        _stdout_failed(exc)


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except OSError as exc:
        _stdout_failed(exc)


def _stdout_failed(exc: OSError) -> None:
    """Standard output cannot be written: a closed pipe (exit 141), or e.g. a full disk, which
    is an error (exit 3); either way the run stops at the next safe point and prints no more."""
    if not isinstance(exc, BrokenPipeError):
        _Stop.stdout_error = f"cannot write standard output: {describe_os_error(exc)}"
    _stdout_closed()


def _stdout_closed() -> None:
    """The reader of standard output went away: print nothing more, stop at the next safe point
    (files are never left half-written), exit 141 as a tool killed by SIGPIPE would."""
    _Stop.pipe_closed = True
    batch.request_stop()
    # later writes, and Python's own flush at exit, must not fail again
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass
class _Stats:
    files: int = 0
    changed: int = 0
    edits: int = 0
    failed: int = 0
    spun: int = 0
    records: int = 0
    spun_records: int = 0
    no_input: bool = False  # folders given, but no file in them to process
    bytes: int = 0
    judged: int = 0  # JSON Lines / Parquet records restored or scored
    start: float = field(default_factory=time.monotonic)

    def add(self, r: Result) -> None:
        self.files += 1
        self.bytes += r.bytes_read
        self.judged += r.records
        if not r.ok:
            self.failed += 1
            return
        self.edits += r.edits
        self.changed += r.changed


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Console:
    """Messages on stderr, and a progress bar there when it is a terminal."""

    def __init__(self, quiet: bool, progress: bool) -> None:
        self.quiet = quiet
        self.show_progress = progress and not quiet and _stderr_is_tty()
        self.progress = None
        self.task = None
        self.total: int | None = None
        self.mb = 0.0
        self.docs = 0
        self.docs_start = time.monotonic()

    def start(self) -> None:
        if not self.show_progress or self.progress is not None:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
            TimeRemainingColumn

        self.progress = Progress(TextColumn("textfix"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("files {task.fields[mb]:.1f} MB{task.fields[docs]}"), TimeElapsedColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self.task = self.progress.add_task("files", total=self.total, mb=self.mb, docs="")
        self.progress.start()

    def documents(self, n: int) -> None:
        """Documents judged in this process (one large file: its records as they go)."""
        self.docs += n
        if self.progress is not None:
            secs = max(time.monotonic() - self.docs_start, 1e-6)
            self.progress.update(self.task, docs=f", {self.docs:,} documents ({self.docs / secs:.1f}/s)")  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def advance(self, r: Result) -> None:
        self.mb += r.bytes_read / 1e6
        if self.progress is not None:
            self.progress.update(self.task, advance=1, mb=self.mb)  # type: ignore[arg-type]

    def error(self, msg: str) -> None:
        self._print(f"textfix: {msg}")

    def info(self, msg: str) -> None:
        if not self.quiet:
            self._print(msg)

    def _print(self, msg: str) -> None:
        msg = printable(msg)
        if self.progress is not None:
            self.progress.console.print(msg, markup=False, highlight=False, soft_wrap=True)
        else:
            print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- gathering inputs

@dataclass
class _Inputs:
    """The inputs of a run: each PATH argument checked, folders walked lazily."""

    args: list[str]
    globs: tuple[str, ...]
    exclude: list[str] = field(default_factory=list)
    skip_suffix: str | None = None
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    walk_errors: list[str] = field(default_factory=list)
    #: (label, label of the same file taken earlier) for each input skipped as a repeat
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    #: folder arguments in which no file matched the globs
    empty: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        kinds = []
        for p in self.args:
            if p == "-":
                kinds.append("stdin")
            elif os.path.isdir(p):
                kinds.append("dir")
            elif os.path.exists(p):
                kinds.append("file")
            else:
                kinds.append("missing")
                self.missing.append(p)
        self.kinds = kinds
        if self.args.count("-") > 1:
            raise UsageError("- (standard input) can be given only once")

    def __iter__(self) -> Iterator[tuple[str, Found]]:
        """(argument, found file) pairs, in argument order, folders sorted; each file once.

        A file reached twice (given twice, inside a folder also given, or a hard link of another
        input) is taken the first time only: two jobs on one file could both read the original,
        and the second rewrite would then keep the first one's restored text as the backup.
        """
        seen: dict[tuple[int, int], str] = {}
        for arg, f in self._all():
            key = _file_key(f.path)
            if key is not None and key in seen:
                self.duplicates.append((_label(arg, f), seen[key]))
                continue
            if key is not None:
                seen[key] = _label(arg, f)
            yield arg, f

    def _all(self) -> Iterator[tuple[str, Found]]:
        for arg, kind in zip(self.args, self.kinds):
            if kind == "stdin":
                yield arg, Found("-", "-", None)
            elif kind == "file":
                yield arg, Found(arg, os.path.basename(arg), None)
            elif kind == "dir":
                found = False
                for f in iter_files(arg, self.globs, exclude=self.exclude, stale=self.stale,
                                    errors=self.walk_errors):
                    if self.skip_suffix and f.path.endswith(self.skip_suffix):
                        continue
                    found = True
                    yield arg, f
                if not found:
                    self.empty.append(arg)

    def count(self) -> int:
        with self.quietly():
            return sum(1 for _ in self)

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        """An extra walk (counting, learning) that records nothing for the reports: those come
        from the run's own walk."""
        saved = self.stale, self.walk_errors, self.duplicates, self.empty
        self.stale, self.walk_errors, self.duplicates, self.empty = [], [], [], []
        try:
            yield
        finally:
            self.stale, self.walk_errors, self.duplicates, self.empty = saved

    def report_empty(self, con: _Console, stats: _Stats) -> None:
        """A folder with nothing to do is said, and a run that found no file at all fails (exit
        3): a mistyped --glob must not pass for a clean folder."""
        for arg in self.empty:
            con.error(f"{arg}: no file in this folder matches {' '.join(self.globs)} "
                      f"(hidden files and symbolic links are skipped; choose files with --glob)")
        if self.empty and stats.files == 0:
            stats.no_input = True

    def report_duplicates(self, con: _Console) -> None:
        for label, first in self.duplicates:
            same = "given again" if label == first else f"the same file as {first}"
            con.info(f"textfix: note: {label}: {same}; each file is processed once per run")

    def report_walk_errors(self, con: _Console, stats: _Stats) -> None:
        for msg in self.walk_errors:
            con.error(msg)
            stats.files += 1
            stats.failed += 1


def _file_key(path: str) -> tuple[int, int] | None:
    """What makes a file one file (device and inode), or None for stdin or a file not there."""
    if path == "-":
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None  # run_job reports it
    return st.st_dev, st.st_ino


def _label(arg: str, f: Found) -> str:
    if f.root is None:
        return arg
    return os.path.join(arg, f.rel)


def _fmt(args: argparse.Namespace, path: str) -> str:
    if args.format != "auto":
        return args.format
    return "text" if path == "-" else format_for_path(path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- clean

def _cmd_clean(args: argparse.Namespace) -> int:
    config = _config(args)
    encoding = _encoding(args.encoding)
    writes = bool(args.output or args.in_place)
    if args.backup is not None and not args.in_place:
        raise UsageError("--backup works only with --in-place")
    if args.backup is not None and (not args.backup or os.sep in args.backup):
        raise UsageError("--backup needs a suffix such as .orig (no path separator)")
    if args.check and writes:
        raise UsageError("--check changes nothing, so it cannot be used with -o or --in-place")
    inputs = _Inputs(list(args.paths), tuple(args.glob or DEFAULT_GLOBS),
                     skip_suffix=args.backup if args.in_place else None)
    if "-" in args.paths and writes:
        raise UsageError("standard input (-) can only be restored to stdout or reported "
                         "(--diff, --jsonl, --check), not written with -o or --in-place")
    to_stdout = not writes and not (args.diff or args.jsonl or args.check)
    if to_stdout and (len(args.paths) != 1 or inputs.kinds[0] == "dir"):
        raise UsageError("several inputs: say where the results go with -o DIR or --in-place, or "
                         "report with --diff, --jsonl or --check (only a single file or - is "
                         "restored to stdout)")
    out_dir = None
    if args.output:
        out_dir = args.output
        if os.path.exists(out_dir) and not os.path.isdir(out_dir):
            raise UsageError(f"-o {out_dir}: exists and is not a folder")
        if len(args.paths) > 1:
            names = [os.path.basename(os.path.normpath(p)) for p in args.paths]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise UsageError(f"with -o, inputs {', '.join(dupes)} would land on the same names; "
                                 "give their parent folder instead")
        real_out = os.path.realpath(out_dir)
        for p, kind in zip(args.paths, inputs.kinds):
            if kind == "missing":
                continue
            real_in = os.path.realpath(p)
            if real_in == real_out or real_in.startswith(real_out.rstrip(os.sep) + os.sep):
                raise UsageError(f"-o {out_dir}: the input {p} is inside the output folder, so results "
                                 "could overwrite inputs; choose an output folder apart from the inputs "
                                 "(or use --in-place)")
            if kind == "dir" and real_out.startswith(real_in.rstrip(os.sep) + os.sep):
                inputs.exclude.append(out_dir)  # an output folder inside an input folder is not input
    umask = _umask()
    single_dir = len(args.paths) == 1

    def jobs() -> Iterator[Job]:
        for arg, f in inputs:
            dest = backup = None
            if out_dir is not None:
                if f.root is None:
                    dest = os.path.join(out_dir, os.path.basename(f.path))
                elif single_dir:
                    dest = os.path.join(out_dir, f.rel)
                else:
                    dest = os.path.join(out_dir, os.path.basename(os.path.normpath(arg)), f.rel)
            elif args.in_place:
                dest = os.path.realpath(f.path)
                backup = dest + args.backup if args.backup else None
            yield Job(path=f.path, label=_label(arg, f), fmt=_fmt(args, f.path), config=config,
                      encoding=encoding, field_name=args.field, dest=dest, backup=backup,
                      only_if_changed=bool(args.in_place), diff=args.diff, report=args.jsonl,
                      umask=umask, **_profile_kw(args, profile_path))

    con = _Console(args.quiet, progress=True)
    stats = _Stats()
    profile_path = _site_profile(args, inputs, config, encoding, con)
    for m in inputs.missing:
        con.error(f"{m}: no such file or folder")
        stats.files += 1
        stats.failed += 1
        if args.jsonl:
            _write_stdout(json_text({"path": m, "error": f"{m}: no such file or folder"}) + "\n")

    if to_stdout:
        if inputs.kinds[0] == "missing":
            return EXIT_FAILED
        job = next(jobs())
        _warm_up(config)
        with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as sink:
            result = run_job(job, stdin=_stdin_binary(), sink=sink)  # type: ignore[arg-type]
            stats.add(result)
            if result.ok:
                sink.seek(0)
                _flush_stdout()
                while not _Stop.pipe_closed:
                    block = sink.read(1 << 20)
                    if not block:
                        break
                    _write_stdout_bytes(block)
                _flush_stdout()
            else:
                con.error(result.error)
        _print_warnings(con, result)
        _summary(con, stats, args, "clean")
        return EXIT_FAILED if stats.failed or stats.no_input else EXIT_OK

    interrupted = False
    try:
        for result in _run(args, inputs, jobs, con):
            stats.add(result)
            con.advance(result)
            if not result.ok:
                con.error(result.error)
                if args.jsonl:
                    _write_stdout(json_text({"path": result.label, "error": result.error}) + "\n")
                continue
            if args.check and result.changed:
                con.info(f"would change {result.label} ({_plural(result.edits, 'edit')})")
            _print_warnings(con, result)
            for part in result.take_output():
                _write_stdout(part)
    except (KeyboardInterrupt, Interrupted):
        interrupted = True
    finally:
        con.stop()
    _flush_stdout()
    inputs.report_walk_errors(con, stats)
    inputs.report_duplicates(con)
    inputs.report_empty(con, stats)
    _report_stale(con, inputs, args)
    _summary(con, stats, args, "clean")
    if interrupted or _Stop.pipe_closed or _Stop.signum:
        return _Stop.report(con)
    if stats.failed or stats.no_input:
        return EXIT_FAILED
    if args.check and stats.changed:
        return EXIT_CHANGED
    return EXIT_OK


def _report_stale(con: _Console, inputs: _Inputs, args: argparse.Namespace) -> None:
    """Temporary files an interrupted run left (``kill -9``, power loss): a run that writes
    removes those where it writes, the input folders with --in-place or the -o folder (never a
    file a running textfix is writing: it holds a lock on it); the others are mentioned."""
    mine: list[str] = []  # where this run writes
    if args.in_place:
        mine = list(inputs.stale)
    elif args.output and os.path.isdir(args.output):
        for _ in iter_files(args.output, (), stale=mine, errors=[]):
            pass
    removed = [p for p in mine if remove_stale_temp(p)]
    if removed:
        con.info(f"textfix: note: removed {_plural(len(removed), 'temporary file')} left by an "
                 f"interrupted run (e.g. {removed[0]})")
    others = [p for p in inputs.stale if p not in removed]
    if others:
        con.info(f"textfix: note: {_plural(len(others), 'temporary file')} left by an interrupted run "
                 f"(e.g. {others[0]}) were skipped; they can be deleted, or a run with --in-place "
                 f"on this folder removes them")


def _stdin_binary() -> io.BufferedIOBase:
    buf = getattr(sys.stdin, "buffer", None)
    if buf is not None:
        return buf
    return io.BytesIO(sys.stdin.read().encode("utf-8"))  # pragma: no cover - a replaced sys.stdin


def _print_warnings(con: _Console, result: Result) -> None:
    for w in result.warnings:
        con.info(f"textfix: {result.label}: {w}")


def _run(args: argparse.Namespace, inputs: _Inputs, jobs_fn, con: _Console) -> Iterator[Result]:  # noqa: ANN001
    """Results of all jobs in input order, in worker processes when that helps."""
    if con.show_progress:
        con.total = inputs.count()
    workers = args.jobs or default_jobs()
    jobs = jobs_fn()
    first = list(_take(jobs, 2))
    if first:
        _warm_up(first[0].config)
    def local(job: Job) -> Result:
        with _raise_on_signal(job.path == "-"):  # a read of a terminal or pipe may block
            return run_job(job, stdin=_stdin_binary() if job.path == "-" else None)

    with _raise_on_signal(False):
        if workers > 1 and len(first) > 1:
            gen = run_jobs(itertools.chain(first, jobs), workers, on_pool_start=con.start,
                           on_pool_stop=con.stop, local=lambda job: job.path == "-", run_local=local)
            with contextlib.closing(gen):
                yield from gen
        else:
            con.start()
            if con.show_progress:  # one process: the documents of a large file show as they go
                batch.set_progress(con.documents)
            try:
                for job in itertools.chain(first, jobs):
                    if batch.stop_requested():
                        raise Interrupted()
                    yield local(job)
            finally:
                batch.set_progress(None)


def _take(it: Iterator[Job], n: int) -> Iterator[Job]:
    for _ in range(n):
        try:
            yield next(it)
        except StopIteration:
            return


class _LoadError(Exception):
    pass


def _warm_up(config: Config) -> None:
    """Load the tables and model once, up front: a broken installation is one clear error rather
    than the same failure for every file, and forked workers share what was loaded."""
    import textfix

    try:
        textfix.explain("A short text to load the tables.", config=config)
    except TableError as exc:  # its message is "FILE:LINE: problem"
        raise _LoadError(str(exc)) from exc
    except OSError as exc:  # e.g. TEXTFIX_WORDLISTS names a folder without the tables
        where = os.environ.get("TEXTFIX_WORDLISTS")
        hint = f" (TEXTFIX_WORDLISTS={where})" if where and where not in str(exc) else ""
        raise _LoadError(f"cannot load the tables: {exc}{hint}") from exc
    except Exception as exc:
        raise _LoadError(f"cannot start: {type(exc).__name__}: {exc}") from exc
    # what is loaded now lives as long as the command: the cyclic garbage collector need not
    # walk it again (nor touch, and so copy, its pages in forked workers)
    gc.freeze()


class _Stop:
    """Why the run stops early, if it does: a signal (its number) or a closed standard output.

    The handlers of SIGINT and SIGTERM only note the signal and ask the jobs to stop at their
    next safe point (a file is never left half-written). They raise ``KeyboardInterrupt`` only
    where that is safe and needed (a blocking read of standard input, explain, one file to
    stdout); never inside the process pool, whose own code can hang after one.
    """

    signum = 0
    pipe_closed = False     # standard output cannot be written any more...
    stdout_error = ""       # ...because of this error (not a closed pipe)
    raise_now = True
    reported = False        # the command has said why it stopped

    @classmethod
    def reset(cls) -> None:
        cls.signum, cls.pipe_closed, cls.stdout_error, cls.raise_now = 0, False, "", True
        cls.reported = False
        batch.reset_stop()

    @classmethod
    def report(cls, con: _Console, writes: bool = True) -> int:
        """Say why the run stopped; returns the exit status."""
        con.error(cls.message(writes))
        cls.reported = True
        return cls.status()

    @classmethod
    def status(cls) -> int:
        if cls.signum:
            return 128 + cls.signum
        if cls.stdout_error:
            return EXIT_FAILED
        if cls.pipe_closed:
            return EXIT_BROKEN_PIPE
        return EXIT_TERMINATED  # a worker process was signalled

    @classmethod
    def message(cls, writes: bool = True) -> str:
        closed = f"{cls.stdout_error}: stopped" if cls.stdout_error else \
            "standard output was closed (broken pipe): stopped"
        if cls.pipe_closed and not cls.signum and not writes:
            return closed
        if cls.signum:
            why = "interrupted" if cls.signum == signal.SIGINT else f"stopped by {signal.Signals(cls.signum).name}"
        elif cls.pipe_closed:
            why = closed
        else:
            why = "stopped: a worker process was terminated"
        return f"{why}; files not yet processed were left as they are"


def _on_signal(signum: int, frame: object) -> None:
    _Stop.signum = signum
    batch.request_stop()
    if _Stop.raise_now:
        raise KeyboardInterrupt


def _install_signal_handlers() -> list[tuple[int, object]]:
    old = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            prev = signal.getsignal(sig)
            if prev is signal.SIG_IGN:  # nohup, or "&" in a script: stay immune
                continue
            signal.signal(sig, _on_signal)
            old.append((sig, prev))
        except ValueError:  # not the main thread (an embedding program)
            pass
    return old


def _restore_signal_handlers(old: list[tuple[int, object]]) -> None:
    for sig, prev in old:
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(sig, prev)  # type: ignore[arg-type]


@contextlib.contextmanager
def _raise_on_signal(allowed: bool) -> Iterator[None]:
    """Allow (or forbid) a signal to raise ``KeyboardInterrupt`` right away in this block."""
    saved, _Stop.raise_now = _Stop.raise_now, allowed
    try:
        if allowed and _Stop.signum:
            raise KeyboardInterrupt
        yield
    finally:
        _Stop.raise_now = saved


def _summary(con: _Console, stats: _Stats, args: argparse.Namespace, command: str) -> None:
    secs = max(time.monotonic() - stats.start, 1e-6)
    mb = stats.bytes / 1e6
    size = f"{mb:.1f} MB" if mb >= 1 else f"{stats.bytes / 1e3:.1f} kB"
    rate = mb / secs
    if command == "report":
        head = (f"{_plural(stats.files, 'file')} reported, {stats.spun} of {_plural(stats.records, 'document')} "
                f"look spun, {_plural(stats.edits, 'edit')}")
    elif command == "scan":
        head = f"{_plural(stats.files, 'file')} scanned, {stats.spun} look spun"
        if stats.records:
            head += f" ({stats.spun_records} of {_plural(stats.records, 'record')})"
        if not args.scores_only:
            head += f", {_plural(stats.edits, 'suspected phrase')}"
    else:
        reporting = args.check or args.diff or args.jsonl
        verb = "would change" if reporting and not (args.output or args.in_place) else "changed"
        head = f"{_plural(stats.files, 'file')}, {stats.changed} {verb}, {_plural(stats.edits, 'edit')}"
    per = f", {stats.judged / secs:.1f} records/s" if stats.judged else ""
    con.info(f"textfix: {head}, {stats.failed} failed; {size} in {secs:.1f} s "
             f"({rate:.{1 if rate >= 1 else 2}f} MB/s{per})")


# --------------------------------------------------------------------------- learning

def _count_inputs(args: argparse.Namespace, inputs: _Inputs, config: Config, encoding: str, con: _Console,
                  *, stdin: bool = False, own_walk: bool = False):  # noqa: ANN202 - (Counts, files, documents)
    """The first pass: every document of the inputs counted (read as restoring reads them).
    ``own_walk``: this is the command's only walk (learn), so it records what the reports say."""
    from .channel import Counts
    from .groups import GroupCounts

    counts = GroupCounts() if args.group_by else Counts()
    files = docs = 0
    last = time.monotonic()
    try:
        with contextlib.nullcontext() if own_walk else inputs.quietly():
            for arg, f in inputs:
                if f.path == "-" and not stdin:
                    continue
                job = Job(path=f.path, label=_label(arg, f), fmt=_fmt(args, f.path), config=config,
                          encoding=encoding, field_name=args.field, group_field=args.group_by)
                docs += batch.count_job(job, counts, stdin=_stdin_binary() if f.path == "-" else None)
                files += 1
                if batch.stop_requested() or _Stop.signum:
                    raise Interrupted()
                if not con.quiet and _stderr_is_tty() and time.monotonic() - last > 0.5:
                    last = time.monotonic()
                    print(f"\rtextfix: learning: {files} files, {docs} documents, {counts.words:,} words",
                          end="", file=sys.stderr, flush=True)
    finally:
        if not con.quiet and _stderr_is_tty():
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    return counts, files, docs


def _describe_profile(profile, docs: int, top: int = 5) -> str:  # noqa: ANN001
    pairs = [e for e in profile.top(len(profile)) if e.spun != ("*",) and e.weight > 0]
    shown = ", ".join(f"{' '.join(e.original)} -> {' '.join(e.spun)} ({e.seen})" for e in pairs[:top])
    return (f"learned the spinner of {_plural(docs, 'document')}: {_plural(len(pairs), 'substitution')}"
            f"{' (' + shown + ')' if shown else ''}, {profile.spun_share:.0%} of the texts look spun"
            + (f"; agreement with the common real spinner family's table {profile.family_agreement:.0%} (as far as "
               f"it agrees, that table's own weights stand)" if profile.family_agreement > 0 else ""))


def _site_profile(args: argparse.Namespace, inputs: _Inputs, config: Config, encoding: str,
                  con: _Console) -> str | None:
    """The profile file the jobs restore with: --profile FILE, or one learned from the inputs
    (written to a temporary file removed at exit), or None (--no-learn, too few documents)."""
    if args.profile and os.path.isdir(args.profile):  # per-site profiles (learn --group-by)
        from .groups import is_groups, load_groups

        if not is_groups(args.profile):
            raise UsageError(f"--profile {args.profile}: a folder, but not one of per-site profiles "
                             "(textfix learn --group-by FIELD -o FOLDER makes one)")
        try:
            load_groups(args.profile)
        except TableError as exc:
            raise _LoadError(str(exc)) from exc
        return args.profile
    if args.profile:
        try:
            batch.load_profile(args.profile)
        except FileNotFoundError:
            raise UsageError(f"--profile {args.profile}: no such file (make one with textfix learn)") from None
        except OSError as exc:
            raise UsageError(f"--profile {args.profile}: {describe_os_error(exc)}") from None
        except TableError as exc:
            raise _LoadError(str(exc)) from exc
        return args.profile
    if args.no_learn:
        return None
    _warm_up(config)  # before the fork: the learning process and the restore share what is loaded
    path = _apart(_learn_profile, args, inputs, config, encoding, con)
    if path is not None:
        import atexit

        if os.path.isdir(path):  # per-site profiles (--group-by)
            atexit.register(shutil.rmtree, path, True)
        else:
            atexit.register(_unlink_quietly, path)
    return path


def _learn_profile(args: argparse.Namespace, inputs: _Inputs, config: Config, encoding: str,
                   con: _Console) -> str | None:
    """The learning pass of clean, scan and report: count the inputs, estimate, save the profile
    (or per-site profiles) to a temporary file (folder) whose path is returned; None when there
    is too little text. The caller removes it at exit."""
    counts, _, docs = _count_inputs(args, inputs, config, encoding, con)
    if args.group_by:
        return _group_profiles(args, counts, config, con)
    if not enough_to_learn(docs, counts.words):
        if getattr(args, "save_profile", None):
            con.info(f"textfix: note: only {_plural(docs, 'document')} ({counts.words:,} body words): nothing "
                     f"learned (a profile needs at least {LEARN_MIN_TEXTS} documents and {LEARN_MIN_WORDS:,} "
                     "words); each document is judged alone")
        return None
    from .channel import estimate

    profile = estimate(counts, scorer=config.scorer)
    con.info(f"textfix: {_describe_profile(profile, docs)}")
    if getattr(args, "save_profile", None):
        profile.save(args.save_profile)
    fd, path = tempfile.mkstemp(prefix="textfix-profile-", suffix=".tsv")
    os.close(fd)
    try:
        profile.save(path)
    except BaseException:
        _unlink_quietly(path)
        raise
    return path


def _apart(fn, *args):  # noqa: ANN001, ANN202
    """``fn(*args)`` in a forked child process, its result (or exception) sent back here, and
    what it writes on sys.stdout and sys.stderr written here as it comes (in order, to whatever
    those streams are in this process).

    The learning pass runs so: what it holds (the counts, and what the estimate loads for itself:
    wordfreq's word lists, the table entries of every word of the folder) goes back to the system
    when the child exits, instead of staying under the restore pass. Measured on 10,000 Parquet
    records (benchmarks/RESULTS.md, issue 15): learning in the process that then restored, peak
    RSS 340 MB (290 MB with --no-learn); learning apart, 284 MB. Where fork is not the start
    method (not Linux), in this process."""
    ctx = batch._mp_context()
    if ctx.get_start_method() != "fork":
        return fn(*args)
    recv, send = ctx.Pipe(duplex=False)

    class Forward(io.TextIOBase):
        def __init__(self, name: str, real) -> None:  # noqa: ANN001
            self.name, self.real = name, real

        def write(self, text: str) -> int:
            send.send((self.name, text))
            return len(text)

        def isatty(self) -> bool:
            try:
                return self.real.isatty()
            except (AttributeError, ValueError):
                return False

    def child() -> None:
        sys.stdout, sys.stderr = Forward("stdout", sys.stdout), Forward("stderr", sys.stderr)
        try:
            out = ("result", True, fn(*args))
        except BaseException as exc:  # noqa: BLE001 - every outcome goes back to the parent
            out = ("result", False, exc)
        try:
            send.send(out)
        except Exception:  # an exception that does not pickle
            send.send(("result", False, RuntimeError(f"{type(out[2]).__name__}: {out[2]}")))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()
    try:
        while True:
            try:
                msg = recv.recv()
            except EOFError:
                proc.join()
                raise _LoadError(f"the learning pass ended without a result (exit status {proc.exitcode})") from None
            if msg[0] == "result":
                break
            stream = sys.stdout if msg[0] == "stdout" else sys.stderr
            stream.write(msg[1])
            stream.flush()
    finally:
        recv.close()
    proc.join()
    _, ok, value = msg
    if ok:
        return value
    raise value


def _profile_kw(args: argparse.Namespace, path: str | None) -> dict[str, object]:
    """The Job fields that say how to restore: one profile, per-site profiles, or none."""
    kw: dict[str, object] = {"group_field": args.group_by}
    if path is not None and os.path.isdir(path):
        kw["profiles"] = path
    else:
        kw["profile"] = path
    return kw


def _describe_groups(profiles: dict, counts) -> str:  # noqa: ANN001 - (group -> Profile, GroupCounts)
    sites = len([g for g in counts.by if g is not None])
    return (f"learned {_plural(len(profiles), 'site profile')} ({_plural(sites, 'site')}, "
            f"{_plural(counts.docs, 'document')}; a site with fewer than {LEARN_MIN_TEXTS} documents or "
            f"{LEARN_MIN_WORDS:,} words is judged document by document)")


def _group_profiles(args: argparse.Namespace, counts, config: Config, con: _Console) -> str | None:  # noqa: ANN001
    """--group-by: a profile per site with enough text, in a temporary folder (the caller removes it)."""
    from .groups import estimate_groups, save_groups

    profiles = estimate_groups(counts, scorer=config.scorer)
    con.info(f"textfix: {_describe_groups(profiles, counts)}")
    docs = {g: c.docs for g, c in counts.by.items()}
    if getattr(args, "save_profile", None):
        save_groups(profiles, args.save_profile, docs)
    if not profiles:
        return None
    folder = tempfile.mkdtemp(prefix="textfix-profiles-")
    try:
        save_groups(profiles, folder, docs)
    except BaseException:
        shutil.rmtree(folder, True)
        raise
    return folder  # _site_profile removes it at exit


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _cmd_learn(args: argparse.Namespace) -> int:
    config = _config(args)
    encoding = _encoding(args.encoding)
    inputs = _Inputs(list(args.paths), tuple(args.glob or DEFAULT_GLOBS))
    con = _Console(args.quiet, progress=False)
    for m in inputs.missing:
        con.error(f"{m}: no such file or folder")
    sources = tuple(x for x in (args.sources or "").split(",") if x) or None
    start = time.monotonic()
    _warm_up(config)
    counts, files, docs = _count_inputs(args, inputs, config, encoding, con, stdin=True, own_walk=True)
    inputs.report_walk_errors(con, _Stats())
    inputs.report_duplicates(con)
    inputs.report_empty(con, _Stats())
    if docs == 0:
        con.error("textfix learn: no documents to learn from")
        return EXIT_FAILED
    if args.group_by:
        from .groups import estimate_groups, save_groups

        if args.output == "-":
            raise UsageError("with --group-by, -o names a folder for the per-site profiles")
        try:
            profiles = estimate_groups(counts, sources=sources, scorer=config.scorer, all_groups=True)
            save_groups(profiles, args.output, {g: c.docs for g, c in counts.by.items()})
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            con.error(f"textfix learn: cannot write {args.output}: {describe_os_error(exc)}")
            return EXIT_FAILED
        weak = sum(1 for c in counts.by.values() if not enough_to_learn(c.docs, c.words))
        con.info(f"textfix: learned {_plural(len(profiles), 'site profile')} from {_plural(docs, 'document')} "
                 f"in {time.monotonic() - start:.1f} s; written to {args.output}/"
                 + (f" ({weak} from fewer than {LEARN_MIN_TEXTS} documents or {LEARN_MIN_WORDS:,} words: weak)"
                    if weak else ""))
        return EXIT_FAILED if inputs.missing else EXIT_OK
    from .channel import estimate

    try:
        profile = estimate(counts, sources=sources, scorer=config.scorer)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.output == "-":
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "profile.tsv")
            profile.save(path)
            with open(path, encoding="utf-8") as fp:
                _write_stdout(fp.read())
    else:
        try:
            profile.save(args.output)
        except OSError as exc:
            con.error(f"textfix learn: cannot write {args.output}: {describe_os_error(exc)}")
            return EXIT_FAILED
    con.info(f"textfix: {_describe_profile(profile, docs, args.top)}; {_plural(files, 'file')}, "
             f"{counts.words:,} body words in {time.monotonic() - start:.1f} s"
             + ("" if args.output == "-" else f"; written to {args.output}"))
    if docs < LEARN_MIN_TEXTS:
        con.info(f"textfix: note: a profile of fewer than {LEARN_MIN_TEXTS} documents is weak; clean uses "
                 "it only when given with --profile")
    return EXIT_FAILED if inputs.missing else EXIT_OK


# --------------------------------------------------------------------------- report

def _cmd_report(args: argparse.Namespace) -> int:
    from . import report

    try:
        import plotly  # noqa: F401
    except ImportError:
        raise UsageError("textfix report draws its chart with plotly: pip install 'textfix[report]'") from None
    config = _config(args)
    encoding = _encoding(args.encoding)
    inputs = _Inputs(list(args.paths), tuple(args.glob or DEFAULT_GLOBS))

    sites: dict[str, str] = {}

    def jobs() -> Iterator[Job]:
        for arg, f in inputs:
            label = _label(arg, f)
            sites[label] = report.site_of(arg, f.rel if f.root is not None else None)
            yield Job(path=f.path, label=label, fmt=_fmt(args, f.path), config=config,
                      encoding=encoding, field_name=args.field, documents=True, doc_texts=corpus.max_docs,
                      **_profile_kw(args, profile_path))

    con = _Console(args.quiet, progress=True)
    stats = _Stats()
    profile_path = _site_profile(args, inputs, config, encoding, con)
    corpus = report.Corpus(max_docs=args.max_docs or report.MAX_DOCS)
    for m in inputs.missing:
        con.error(f"{m}: no such file or folder")
        stats.files += 1
        stats.failed += 1
    interrupted = False
    try:
        for r in _run(args, inputs, jobs, con):
            stats.add(r)
            con.advance(r)
            if not r.ok:
                con.error(r.error)
            _print_warnings(con, r)
            corpus.add_result(r, sites.pop(r.label, "."))
            r.documents = []
    except (KeyboardInterrupt, Interrupted):
        interrupted = True
    finally:
        con.stop()
    inputs.report_walk_errors(con, stats)
    inputs.report_duplicates(con)
    inputs.report_empty(con, stats)
    if interrupted or _Stop.signum:
        return _Stop.report(con, writes=False)
    page = report.render(corpus, title=args.title)
    try:
        with AtomicWriter(args.output) as w:
            w.write(page.encode("utf-8"))
            w.commit()
    except OSError as exc:
        con.error(f"textfix report: cannot write {args.output}: {describe_os_error(exc)}")
        return EXIT_FAILED
    stats.spun = sum(s >= report.SPUN_AT for s in corpus.scores)
    stats.records = len(corpus.scores)
    _summary(con, stats, args, "report")
    con.info(f"textfix: report written to {args.output} ({len(page) / 1e6:.1f} MB)")
    return EXIT_FAILED if stats.failed or stats.no_input else EXIT_OK


# --------------------------------------------------------------------------- scan

def _cmd_scan(args: argparse.Namespace) -> int:
    config = _config(args)
    encoding = _encoding(args.encoding)
    inputs = _Inputs(list(args.paths), tuple(args.glob or DEFAULT_GLOBS))

    def jobs() -> Iterator[Job]:
        for arg, f in inputs:
            yield Job(path=f.path, label=_label(arg, f), fmt=_fmt(args, f.path), config=config,
                      encoding=encoding, field_name=args.field, record_rows=args.records,
                      spun_at=spun_at, scores_only=args.scores_only, **_profile_kw(args, profile_path))

    if args.scores_only and (_science_scan(args) or args.sort == "edits"):
        what = "--domain science lists tortured phrases" if _science_scan(args) else "--sort edits sorts by them"
        raise UsageError(f"--scores-only counts no phrases, but {what}: leave one of them out")
    con = _Console(args.quiet, progress=True)
    stats = _Stats()
    profile_path = _site_profile(args, inputs, config, encoding, con)
    threshold = args.threshold
    spun_at = 0.5 if threshold is None else threshold
    table = not (args.jsonl or args.csv) and _stdout_is_tty() and not _science_scan(args)
    rows: list[_ScanRow] = []
    writer = csv.writer(_CsvOut(), lineterminator="\n") if args.csv else None
    if writer is not None:
        writer.writerow(["path"] + (["line"] if args.records else []) + ["spin_score", "edits", "error"]
                        + (_SCIENCE_COLUMNS if _science_scan(args) else []))
    for m in inputs.missing:
        con.error(f"{m}: no such file or folder")
        stats.files += 1
        stats.failed += 1
    collect = table or args.sort != "path"
    interrupted = False
    try:
        for r in _run(args, inputs, jobs, con):
            stats.add(r)
            con.advance(r)
            if r.records:
                # a JSON Lines dump is many documents: it is as spun as its most spun record
                r.spin_score = r.record_max
                stats.records += r.records
                stats.spun_records += r.spun_records
            if not r.ok:
                con.error(r.error)
            elif r.spin_score >= spun_at:
                stats.spun += 1
            _print_warnings(con, r)
            for row in _scan_rows(r, args.records, args.scores_only):
                if row.ok and threshold is not None and row.spin_score < threshold:
                    continue
                if collect:
                    rows.append(row)
                else:
                    _scan_row(args, writer, row)
    except (KeyboardInterrupt, Interrupted):
        interrupted = True
    finally:
        con.stop()
    inputs.report_walk_errors(con, stats)
    inputs.report_duplicates(con)
    inputs.report_empty(con, stats)
    if collect:
        if args.sort == "score":
            rows.sort(key=lambda r: (not r.ok, -r.spin_score, -(r.edits or 0)))
        elif args.sort == "edits":
            rows.sort(key=lambda r: (not r.ok, -r.edits, -r.spin_score))
        if table:
            _scan_table(rows, args.scores_only)
        else:
            for r in rows:
                _scan_row(args, writer, r)
    _flush_stdout()
    _summary(con, stats, args, "scan")
    if interrupted or _Stop.pipe_closed or _Stop.signum:
        return _Stop.report(con, writes=False)
    return EXIT_FAILED if stats.failed or stats.no_input else EXIT_OK


@dataclass
class _ScanRow:
    """One row of scan: a file, or with --records one JSON Lines record (``line``)."""

    label: str
    ok: bool = True
    error: str = ""
    spin_score: float = 0.0
    edits: int | None = 0   # None: not counted (--scores-only)
    line: int | None = None
    records: int = 0
    spun_records: int = 0
    #: with --domain science: the tortured phrases restored, (spun, original, count), commonest first
    tortured: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return self.label if self.line is None else f"{self.label}:{self.line}"


def _scan_rows(r: Result, per_record: bool, scores_only: bool = False) -> list[_ScanRow]:
    if per_record and r.ok and r.record_rows:
        return [_ScanRow(r.label, spin_score=float(x["spin_score"]),  # type: ignore[arg-type]
                         edits=None if scores_only else int(x["edits"]),  # type: ignore[call-overload]
                         line=int(x["line"])) for x in r.record_rows]  # type: ignore[call-overload]
    tortured = sorted(((*k.split("\t", 1), n) for k, n in r.tortured.items()), key=lambda x: (-x[2], x[0]))
    return [_ScanRow(r.label, r.ok, r.error, r.spin_score, None if scores_only else r.edits, None, r.records,
                     r.spun_records, tortured)]  # type: ignore[arg-type]


# -- scan --domain science: tortured phrases per document (issue 12) ------------------------------
#: a document is flagged as the Problematic Paper Screener flags one: at least this many distinct
#: tortured phrases
PPS_FLAG_MIN = 5
_SCIENCE_COLUMNS = ["tortured_distinct", "tortured_total", "pps_flag", "tortured_phrases"]


def _science_scan(args: argparse.Namespace) -> bool:
    return getattr(args, "domains", None) == "science" and not args.records


def _tortured_fields(r: _ScanRow) -> dict[str, object]:
    distinct = len({spun for spun, _, _ in r.tortured})
    return {"tortured_distinct": distinct, "tortured_total": sum(n for *_x, n in r.tortured),
            "pps_flag": distinct >= PPS_FLAG_MIN,
            "tortured": [{"spun": sp, "original": o, "count": n} for sp, o, n in r.tortured]}


class _CsvOut:
    def write(self, s: str) -> None:
        _write_stdout(s)


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _scan_row(args: argparse.Namespace, writer: object, r: _ScanRow) -> None:
    if args.jsonl:
        obj: dict[str, object] = {"path": r.label}
        if r.line is not None:
            obj["line"] = r.line
        if r.ok:
            obj["spin_score"] = r.spin_score
            if r.edits is not None:
                obj["edits"] = r.edits
            if r.records:
                obj.update(records=r.records, spun_records=r.spun_records)
            if _science_scan(args):
                obj.update(_tortured_fields(r))
        else:
            obj["error"] = r.error
        _write_stdout(json_text(obj) + "\n")
    elif writer is not None:
        line = [r.line if r.line is not None else ""] if args.records else []
        extra: list[object] = []
        if _science_scan(args):
            f = _tortured_fields(r)
            extra = ["", "", "", ""] if not r.ok else [
                f["tortured_distinct"], f["tortured_total"], "yes" if f["pps_flag"] else "no",
                "; ".join(f"{sp} -> {o} ({n})" for sp, o, n in r.tortured)]
        if r.ok:
            writer.writerow([r.label] + line + [f"{r.spin_score:.4f}", "" if r.edits is None else r.edits, ""]  # type: ignore[attr-defined]
                            + extra)
        else:
            writer.writerow([r.label] + line + ["", "", r.error] + extra)  # type: ignore[attr-defined]
    elif r.ok:
        if _science_scan(args):
            f = _tortured_fields(r)
            flag = "\tPPS-FLAG" if f["pps_flag"] else ""
            _write_stdout(f"{r.spin_score:.3f}\t{r.edits}\t{r.shown}\t{f['tortured_distinct']} tortured{flag}\n"
                          + "".join(f"\t{sp} -> {o}\t{n}\n" for sp, o, n in r.tortured))
        else:
            _write_stdout(f"{r.spin_score:.3f}\t{'-' if r.edits is None else r.edits}\t{r.shown}\n")


def _scan_table(rows: list[_ScanRow], scores_only: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(show_edge=False, pad_edge=False)
    t.add_column("spin score", justify="right")
    if not scores_only:
        t.add_column("suspected", justify="right")
    t.add_column("file", overflow="fold")
    for r in rows:
        if not r.ok:
            t.add_row(*([""] if scores_only else ["", ""]), f"[red]{_esc(printable(r.error))}[/red]")
            continue
        style = "red" if r.spin_score >= 0.5 else ("yellow" if r.spin_score >= 0.2 else "green")
        name = printable(r.shown)
        if r.records and r.line is None:
            name += f" ({r.spun_records} of {_plural(r.records, 'record')} look spun)"
        t.add_row(f"[{style}]{r.spin_score:.3f}[/{style}]", *([] if scores_only else [str(r.edits)]), _esc(name))
    Console().print(t)


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


# --------------------------------------------------------------------------- explain

def _file_profile(args: argparse.Namespace, path: str, fmt: str, config: Config, encoding: str):  # noqa: ANN202
    """The profile explain FILE restores with: the one clean FILE would use (--profile, or one
    learned from the file's documents when it holds at least LEARN_MIN_TEXTS)."""
    if args.profile:
        return batch.load_profile(args.profile)
    if args.no_learn:
        return None
    from .channel import Counts, estimate

    counts = Counts()
    job = Job(path=path, label=path, fmt=fmt, config=config, encoding=encoding, field_name=args.field)
    if not enough_to_learn(batch.count_job(job, counts), counts.words):
        return None
    return estimate(counts, scorer=config.scorer)


def _cmd_explain(args: argparse.Namespace) -> int:
    config = _config(args)
    encoding = _encoding(args.encoding)
    if args.context < 0:
        raise UsageError("--context must be 0 or more")
    text = args.text
    _warm_up(config)  # a broken table is one clear line, as for clean and scan
    try:
        if text is not None and text != "-" and _looks_like_path(text):
            problem = _not_a_file(text)
            if problem:
                print(f"textfix: {printable(text)}: {problem}", file=sys.stderr)
                return EXIT_FAILED
            fmt = args.format if args.format != "auto" else format_for_path(text)
            if fmt == "parquet":
                raise UsageError("explain shows text files; for a Parquet file, textfix clean FILE "
                                 "--jsonl lists every edit and textfix report FILE -o report.html shows them")
            profile = _file_profile(args, text, fmt, config, encoding)
            with open(text, "rb") as fh:
                ex = _explain_stream(open_text(fh, text, encoding), fmt, args.field, config,  # type: ignore[arg-type]
                                     profile=profile)
            ex.path = text
        elif text is None or text == "-":
            if text is None and _stdin_is_tty():
                raise UsageError("give the TEXT to explain, or - to read it from standard input")
            fmt = args.format if args.format != "auto" else "text"
            ex = _explain_stream(open_text(_stdin_binary(), "-", encoding), fmt,  # type: ignore[arg-type]
                                 args.field, config)
        else:
            profile = batch.load_profile(args.profile) if args.profile else None
            ex = _explain_stream(None, args.format if args.format != "auto" else "text", args.field,
                                 config, text=text, profile=profile)
    except (InputError, OSError) as exc:
        msg = str(exc) if isinstance(exc, InputError) else f"{text}: {describe_os_error(exc)}"
        print(f"textfix: {printable(msg)}", file=sys.stderr)
        return EXIT_FAILED
    except (UsageError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug: one line, as clean reports it for a file
        print(f"textfix: textfix failed on this text ({type(exc).__name__}: {exc}); please report it",
              file=sys.stderr)
        return EXIT_FAILED
    for w in ex.warnings:
        print(f"textfix: {printable(ex.path or '-')}: {w}", file=sys.stderr)
    if args.json:
        _write_stdout(json_text(ex.to_json()) + "\n")
        return EXIT_OK
    lines = _explain_lines(ex, config, args.context)
    if _stdout_is_tty():
        from rich.console import Console
        from rich.text import Text

        console = Console(highlight=False)
        for segs in lines:
            console.print(Text.assemble(*segs), soft_wrap=True)
    else:
        _write_stdout("".join("".join(s for s, _ in segs) + "\n" for segs in lines))
    return EXIT_OK


#: An argument of explain that is meant as a file name: one word with a path separator or an
#: extension ("typo.tx"), not a sentence.
_PATH_LIKE = re.compile(r"[^\s]*(/|\\)[^\s]*|[^\s/\\]+\.[A-Za-z0-9]{1,6}")


def _looks_like_path(text: str) -> bool:
    return len(text) < 4096 and "\n" not in text and (os.path.exists(text) or bool(_PATH_LIKE.fullmatch(text)))


def _not_a_file(path: str) -> str:
    """Why explain cannot read ``path`` as one file ("" if it can: a file, a pipe, /dev/stdin)."""
    if os.path.isdir(path):
        return "is a folder; explain takes one file (see a folder's edits with textfix clean FOLDER --diff)"
    if not os.path.exists(path):
        return "no such file (to explain these words themselves, give them on standard input: textfix explain -)"
    return ""


@dataclass
class _FileExplanation:
    """What ``clean`` does to one input, for ``explain``: the same reading, the same documents
    (chunks of plain text, visible HTML text, JSON Lines records), so the same edits."""

    fmt: str
    src: str
    out: str
    edits: list[dict[str, object]]
    spin_score: float
    notes: list[str]
    warnings: list[str]
    records: list[dict[str, object]]
    path: str | None = None

    def to_json(self) -> dict[str, object]:
        obj: dict[str, object] = {}
        if self.path is not None:
            obj.update(path=self.path, format=self.fmt)
        obj.update(spin_score=round(self.spin_score, 4), text=self.out, edits=self._with_columns(),
                   notes=list(self.notes))
        if self.fmt == "jsonl":
            obj["records"] = self.records
        return obj

    def _with_columns(self) -> list[dict[str, object]]:
        if self.fmt == "jsonl":  # offsets are into the record's field: the line says which
            return self.edits
        cols = _line_cols(self.src, [int(e["start"]) for e in self.edits])  # type: ignore[call-overload]
        return [dict(e, line=ln, column=col) for e, (ln, col) in zip(self.edits, cols)]


def _explain_stream(stream: object, fmt: str, field_name: str, config: Config, *,
                    text: str | None = None, profile: object = None) -> _FileExplanation:
    """Restore like ``clean`` does (:func:`textfix.formats.process` over the same decoded pieces)."""
    import textfix

    pieces_in = [text] if text is not None else stream.pieces  # type: ignore[attr-defined]
    src, out, edits, notes, warnings, records = [], [], [], [], [], []
    total_s, total_w = 0.0, 0
    for piece in process(fmt, pieces_in, lambda t: textfix.explain(t, config=config, profile=profile),
                         field_name=field_name):
        src.append(piece.src)
        out.append(piece.out)
        edits.extend(piece.edits)
        notes.extend(n for n in piece.notes if n not in notes)
        warnings.extend(piece.warnings)
        records.extend(piece.records)
        for score, weight in piece.scores:
            total_s += score * weight
            total_w += weight
    return _FileExplanation(fmt, "".join(src), "".join(out), edits,
                            total_s / total_w if total_w else 0.0, notes, warnings, records)


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _line_cols(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    out = []
    line, pos, line_start = 1, 0, 0
    for off in offsets:
        n = text.count("\n", pos, off)
        if n:
            line += n
            line_start = text.rfind("\n", 0, off) + 1
        pos = off
        out.append((line, off - line_start + 1))
    return out


def _verdict(score: float) -> str:
    return "looks spun" if score >= 0.5 else ("some signs of spinning" if score >= 0.2 else "looks clean")


def _explain_lines(ex: _FileExplanation, config: Config, width: int) -> list[list[tuple[str, str]]]:
    lines: list[list[tuple[str, str]]] = []
    if ex.fmt == "jsonl":
        spun = sum(1 for r in ex.records if float(r["spin_score"]) >= 0.5)  # type: ignore[arg-type]
        head = f"{_plural(len(ex.records), 'record')}, {spun} look spun; {_plural(len(ex.edits), 'edit')}"
    else:
        head = f"spin score {ex.spin_score:.2f} ({_verdict(ex.spin_score)}); {_plural(len(ex.edits), 'edit')}"
    if config.min_confidence != Config().min_confidence:
        head += f" at confidence >= {config.min_confidence:g}"
    lines.append([(head, "bold")])
    for note in ex.notes:
        lines.append([(f"note: {note}", "italic")])
    if ex.fmt == "jsonl":
        _explain_records(ex, width, lines)
    else:
        positions = _line_cols(ex.src, [int(e["start"]) for e in ex.edits])  # type: ignore[call-overload]
        for e, (ln, col) in zip(ex.edits, positions):
            lines.append([("", "")])
            lines.extend(_edit_lines(ex.src, e, f"{ln}:{col}  ", width))
    if not ex.edits:
        lines.append([("nothing to restore", "")])
    return lines


def _explain_records(ex: _FileExplanation, width: int, lines: list[list[tuple[str, str]]]) -> None:
    """JSON Lines: each record is a document of its own; show the records that get edits."""
    by_line: dict[int, list[dict[str, object]]] = {}
    for e in ex.edits:
        by_line.setdefault(int(e["line"]), []).append(e)  # type: ignore[call-overload]
    if not by_line:
        return
    src_lines = ex.src.split("\n")
    for rec in ex.records:
        ln = int(rec["line"])  # type: ignore[call-overload]
        if ln not in by_line:
            continue
        score = float(rec["spin_score"])  # type: ignore[arg-type]
        lines.append([("", "")])
        lines.append([(f"line {ln}: spin score {score:.2f} ({_verdict(score)}); "
                       f"{_plural(len(by_line[ln]), 'edit')}", "bold")])
        value = json.loads(src_lines[ln - 1])[by_line[ln][0]["field"]]
        for e in by_line[ln]:
            lines.extend(_edit_lines(value, e, f"{ln}:{e['field']}:{int(e['start']) + 1}  ", width))  # type: ignore[call-overload]


def _edit_lines(text: str, e: dict[str, object], where: str, width: int) -> list[list[tuple[str, str]]]:
    start, end = int(e["start"]), int(e["end"])  # type: ignore[call-overload]
    before = text[max(0, start - width): start]
    after = text[end: end + width]
    before = before[before.rfind("\n") + 1:]
    nl = after.find("\n")
    after = after[:nl] if nl >= 0 else after
    lead = "..." if start - len(before) > 0 and text[start - len(before) - 1] != "\n" else ""
    trail = "..." if end + len(after) < len(text) and text[end + len(after)] != "\n" else ""
    detail = f"    confidence {float(e['confidence']):.2f}, {e['source']}"  # type: ignore[arg-type]
    if e.get("reason"):
        detail += f": {e['reason']}"
    return [[(where, "dim"), (lead + before, ""), ("[", "dim"), (str(e["spun"]), "red strike"),
             (" -> ", "dim"), (str(e["original"]), "bold green"), ("]", "dim"), (after + trail, "")],
            [(detail, "dim")]]
