"""Restoring text inside the file formats scrapers save: plain text, HTML and JSON Lines
(Parquet, a binary format, is in :mod:`textfix.parquet`).

Each processor takes the decoded input as an iterator of ``str`` pieces and a function that
restores one document (``explain(text) -> textfix.Explanation``), and yields :class:`Piece` objects:
consecutive stretches of the input (``src``) with what they become (``out``). Joining the ``out``
of all pieces gives the restored file; nothing outside an edit changes, byte for byte.

Memory stays bounded whatever the file size:

* **Plain text** is cut into *documents* of about :data:`TARGET_CHARS` characters made of whole
  paragraphs (paragraphs end at a blank line). textfix judges how spun a document looks as a whole
  (``spin_score``) before it changes any phrase, so each such chunk is one document: a file up to
  64 K characters (a long article) is judged whole, a larger one chunk by chunk. A paragraph
  longer than :data:`MAX_CHARS` is cut at a line end (a line that long, at a space).
* **HTML** is parsed with the standard library's ``html.parser`` (which gives source positions);
  only visible text nodes are restored: text in ``script``, ``style``, ``template``, ``textarea``,
  ``pre``, ``code``, ``kbd``, ``samp``, ``svg`` and ``math`` is left alone, and so are tags,
  attributes, comments and declarations. The visible text of a stretch of the page (cut at
  block-level tags, about :data:`TARGET_CHARS` of text) is one document; a phrase that crosses
  a tag (``a <b>uncommon</b> journey``) is left as it is. Replacements are HTML-escaped, so the
  output is the input with only text-node edits applied, and still well-formed.
* **JSON Lines**: each record (one line) is one document. Only the chosen string field is
  restored and only its value is rewritten in the line: other fields, key order, spacing and
  number formats stay exactly as they were. A line that is not a JSON object, or whose field is
  missing or not a string, is kept as it is.
"""
from __future__ import annotations

import bisect
import difflib
import hashlib
import html
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .edits import Edit, Explanation, apply_edits
from .tokens import PARAGRAPH_BREAK

__all__ = ["Piece", "FORMATS", "format_for_path", "process", "process_text", "process_html",
           "process_jsonl", "chunk_text", "UnifiedDiff", "TARGET_CHARS", "MAX_CHARS"]

#: Plain text and HTML are judged in documents of about this many characters of whole paragraphs.
TARGET_CHARS = 64 * 1024
#: A paragraph longer than this is cut (at a line end, else at a space, else anywhere).
MAX_CHARS = 256 * 1024

FORMATS = ("text", "html", "jsonl", "parquet")

Explain = Callable[[str], Explanation]


@dataclass
class Piece:
    """A stretch ``src`` of the input and what it becomes (``out``).

    ``edits`` are JSON-ready dicts with offsets into the whole decoded input (for JSON Lines: into
    the field's value, with the record's ``line``); ``scores`` holds ``(spin_score, weight)`` for
    each document judged; ``notes`` are remarks worth reporting, ``warnings`` problems with the
    input worth telling the user about.
    """

    src: str
    out: str
    edits: list[dict[str, object]] = field(default_factory=list)
    scores: list[tuple[float, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Problems with the input the user should hear about (e.g. no record has the JSON field).
    warnings: list[str] = field(default_factory=list)
    #: JSON Lines: each record judged, ``{"line": N, "spin_score": S, "edits": K}`` (a dump is
    #: many documents: its mean score hides one spun record among clean ones).
    records: list[dict[str, object]] = field(default_factory=list)
    #: Parquet (binary: ``src`` and ``out`` are empty): some value of this piece was rewritten.
    rewritten: bool = False


def format_for_path(path: str, default: str = "text") -> str:
    """``"html"`` for .html/.htm/.xhtml, ``"jsonl"`` for .jsonl/.ndjson, ``"parquet"`` for
    .parquet/.pq, else ``default``."""
    lower = path.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return default


def process(fmt: str, pieces: Iterable[str], explain: Explain, *, field_name: str = "text",
            group_field: str | None = None) -> Iterator[Piece]:
    """Dispatch to the processor of ``fmt`` (one of :data:`FORMATS`); ``group_field``: see
    :func:`process_jsonl`."""
    if fmt == "text":
        return process_text(pieces, explain)
    if fmt == "html":
        return process_html(pieces, explain)
    if fmt == "jsonl":
        return process_jsonl(pieces, explain, field_name, group_field=group_field)
    if fmt == "parquet":
        raise ValueError("Parquet is binary: use textfix.parquet.process_parquet on the file")
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _edit_dict(e: Edit, start: int, end: int, line: int, **extra: object) -> dict[str, object]:
    d = e.to_dict()
    out: dict[str, object] = dict(extra)
    out.update(start=start, end=end, line=line)
    out.update((k, v) for k, v in d.items() if k not in ("start", "end"))
    return out


def _lines_at(text: str, offsets: list[int], first_line: int) -> list[int]:
    """1-based line numbers of sorted ``offsets`` in ``text`` (whose first line is ``first_line``)."""
    result = []
    line, pos = first_line, 0
    for off in offsets:
        line += text.count("\n", pos, off)
        pos = off
        result.append(line)
    return result


def _is_blank(text: str) -> bool:
    return not text or text.isspace()


# --------------------------------------------------------------------------- plain text


def chunk_text(pieces: Iterable[str], target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> Iterator[str]:
    """Regroup text pieces into chunks of whole paragraphs of about ``target`` characters.

    A chunk ends just after a blank line; a paragraph longer than ``limit`` is cut after a line
    break, else after a space, else at ``limit`` (never between CR and LF). Joining the chunks
    gives the input back.
    """
    buf = ""
    for piece in pieces:
        buf = buf + piece if buf else piece
        start = 0
        while len(buf) - start >= target:
            cut = _find_cut(buf, start, target, limit, eof=False)
            if cut is None:
                break
            yield buf[start:cut]
            start = cut
        if start:
            buf = buf[start:]
    start = 0
    while len(buf) - start > target:
        cut = _find_cut(buf, start, target, limit, eof=True)
        if cut is None:
            break
        yield buf[start:cut]
        start = cut
    if start < len(buf):
        yield buf[start:]


def _find_cut(buf: str, start: int, target: int, limit: int, *, eof: bool) -> int | None:
    window_end = min(len(buf), start + limit)
    small = None  # last paragraph end at or before target
    for m in PARAGRAPH_BREAK.finditer(buf, start, window_end):
        end = m.end()
        if end - start <= target:
            small = end
        else:
            if small is not None and small - start >= target // 4:
                return small
            return end
    if small is not None and (small - start >= target // 4 or eof or window_end - start >= limit):
        return small
    if window_end - start < limit:
        return None  # the paragraph may end soon; wait for more text
    # One paragraph longer than the limit: cut at a line end, else a space, else anywhere.
    nl = buf.rfind("\n", start, window_end)
    if nl > start:
        return nl + 1
    for i in range(window_end - 1, start, -1):
        if buf[i].isspace() and buf[i] != "\r":
            return i + 1
    cut = window_end
    if buf[cut - 1] == "\r" and cut < len(buf) and buf[cut] == "\n":
        cut -= 1
    return cut


def process_text(pieces: Iterable[str], explain: Explain) -> Iterator[Piece]:
    """Restore plain text, one chunk of whole paragraphs (one document) at a time."""
    offset, line = 0, 1
    for chunk in chunk_text(pieces):
        if _is_blank(chunk):
            yield Piece(chunk, chunk)
        else:
            ex = explain(chunk)
            edits = sorted(ex.edits, key=lambda e: e.start)
            out = apply_edits(chunk, edits)
            lines = _lines_at(chunk, [e.start for e in edits], line)
            yield Piece(chunk, out,
                        [_edit_dict(e, offset + e.start, offset + e.end, ln) for e, ln in zip(edits, lines)],
                        [(ex.spin_score, len(chunk))], list(ex.notes))
        offset += len(chunk)
        line += chunk.count("\n")


# --------------------------------------------------------------------------- HTML

#: Elements whose text is not prose to restore.
SKIP_ELEMENTS = frozenset({"script", "style", "template", "textarea", "pre", "code", "kbd", "samp",
                           "svg", "math"})
#: Elements that separate blocks of text (text either side is not one sentence).
BLOCK_ELEMENTS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "head", "header", "hgroup", "hr", "html", "img", "li", "main", "nav", "noscript",
    "ol", "option", "p", "section", "select", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "title", "tr", "ul", "button", "label", "iframe", "object", "video", "audio", "input",
    "meta", "link",
}) | SKIP_ELEMENTS

_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_MARKUP_LIKE = re.compile(r"<[a-zA-Z/!?]")


@dataclass
class _Event:
    start: int      # absolute offset in the decoded input
    kind: str       # "data", "start", "end", "other"
    tag: str = ""
    data: str = ""
    editable: bool = False


class _TextNode:
    """A run of visible text: ``raw`` source at ``start`` and its unescaped text ``text``."""

    __slots__ = ("start", "raw", "text", "vstart", "_vs", "_rs", "_lit")

    def __init__(self, start: int, raw: str, vstart: int) -> None:
        self.start = start
        self.raw = raw
        self.vstart = vstart
        vs: list[int] = []
        rs: list[int] = []
        lit: list[bool] = []
        parts: list[str] = []
        pos = vpos = 0
        for m in _CHARREF.finditer(raw):
            if m.start() > pos:
                vs.append(vpos)
                rs.append(pos)
                lit.append(True)
                parts.append(raw[pos:m.start()])
                vpos += m.start() - pos
            rep = html.unescape(m.group())
            vs.append(vpos)
            rs.append(m.start())
            lit.append(False)
            parts.append(rep)
            vpos += len(rep)
            pos = m.end()
        if pos < len(raw) or not vs:
            vs.append(vpos)
            rs.append(pos)
            lit.append(True)
            parts.append(raw[pos:])
        self.text = "".join(parts)
        self._vs, self._rs, self._lit = vs, rs, lit

    def to_raw(self, v: int) -> int | None:
        """The source offset (relative to ``start``) of text offset ``v``; None inside an entity."""
        if v >= len(self.text):
            return len(self.raw) if v == len(self.text) else None
        i = bisect.bisect_right(self._vs, v) - 1
        if self._lit[i]:
            return self._rs[i] + (v - self._vs[i])
        return self._rs[i] if v == self._vs[i] else None


class _HtmlScanner(HTMLParser):
    """Records where each tag, comment and run of text starts, in absolute offsets of the input."""

    def __init__(self, rewriter: _HtmlRewriter) -> None:
        super().__init__(convert_charrefs=True)
        self.rw = rewriter
        self.skip_depth: dict[str, int] = {}

    def _skipping(self) -> bool:
        return getattr(self, "cdata_elem", None) is not None or any(self.skip_depth.values())

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.rw.event(_Event(self.rw.abs_pos(self.getpos()), "start", tag))
        if tag in SKIP_ELEMENTS and tag not in ("script", "style"):
            self.skip_depth[tag] = self.skip_depth.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        self.rw.event(_Event(self.rw.abs_pos(self.getpos()), "start", tag))

    def handle_endtag(self, tag: str) -> None:
        self.rw.event(_Event(self.rw.abs_pos(self.getpos()), "end", tag))
        if self.skip_depth.get(tag):
            self.skip_depth[tag] -= 1

    def handle_data(self, data: str) -> None:
        self.rw.event(_Event(self.rw.abs_pos(self.getpos()), "data", data=data, editable=not self._skipping()))

    def _other(self, *_: object) -> None:
        self.rw.event(_Event(self.rw.abs_pos(self.getpos()), "other"))

    handle_comment = handle_decl = handle_pi = unknown_decl = _other


class _HtmlRewriter:
    def __init__(self, explain: Explain, target: int = TARGET_CHARS) -> None:
        self.explain = explain
        self.target = target
        self.buf = ""          # input from self.base on
        self.base = 0
        self.base_line = 1     # line number at self.base
        self.line = 1          # HTMLParser line of the last converted position...
        self.line_start = 0    # ...and the absolute offset where that line starts
        self.events: list[_Event] = []
        self.text_len = 0      # characters of editable text pending
        self.ready: list[Piece] = []
        self.parser = _HtmlScanner(self)

    def abs_pos(self, pos: tuple[int, int]) -> int:
        lineno, col = pos
        while self.line < lineno:
            nl = self.buf.index("\n", max(self.line_start, self.base) - self.base)
            self.line_start = self.base + nl + 1
            self.line += 1
        return self.line_start + col

    def event(self, ev: _Event) -> None:
        if self.events:
            block = ev.kind != "data" and (ev.tag in BLOCK_ELEMENTS)
            size = len(self.buf)
            if (block and (self.text_len >= self.target or size >= 2 * 1024 * 1024)) or \
                    self.text_len >= 4 * self.target or size >= 8 * 1024 * 1024:
                self.flush(ev.start)
        self.events.append(ev)
        if ev.kind == "data" and ev.editable:
            self.text_len += len(ev.data)

    def feed(self, text: str) -> Iterator[Piece]:
        self.buf += text
        self.parser.feed(text)
        yield from self._drain()

    def close(self) -> Iterator[Piece]:
        self.parser.close()
        self.flush(self.base + len(self.buf))
        yield from self._drain()

    def _drain(self) -> Iterator[Piece]:
        ready, self.ready = self.ready, []
        yield from ready

    def flush(self, upto: int) -> None:
        src = self.buf[: upto - self.base]
        if not src:
            return
        nodes, virtual = self._text_nodes(src, upto)
        edits_out: list[dict[str, object]] = []
        scores: list[tuple[float, int]] = []
        notes: list[str] = []
        accepted: list[tuple[int, int, Edit]] = []  # offsets relative to src
        if not _is_blank(virtual):
            ex = self.explain(virtual)
            scores.append((ex.spin_score, len(virtual)))
            notes.extend(ex.notes)
            starts = [n.vstart for n in nodes]
            dropped = 0
            for e in sorted(ex.edits, key=lambda e: e.start):
                i = bisect.bisect_right(starts, e.start) - 1
                node = nodes[i] if i >= 0 else None
                if node is None or e.end > node.vstart + len(node.text):
                    dropped += 1
                    continue
                rs = node.to_raw(e.start - node.vstart)
                rend = node.to_raw(e.end - node.vstart)
                if rs is None or rend is None:
                    dropped += 1
                    continue
                accepted.append((node.start - self.base + rs, node.start - self.base + rend, e))
            if dropped:
                notes.append(f"{dropped} phrase(s) crossing markup or an entity left as they are")
        lines = _lines_at(src, [a for a, _, _ in accepted], self.base_line)
        out_parts: list[str] = []
        pos = 0
        for (a, b, e), line in zip(accepted, lines):
            out_parts.append(src[pos:a])
            out_parts.append(html.escape(e.original, quote=False))
            pos = b
            edit = Edit(a, b, src[a:b], e.original, e.confidence, e.source, e.reason)
            edits_out.append(_edit_dict(edit, self.base + a, self.base + b, line))
        out_parts.append(src[pos:])
        self.ready.append(Piece(src, "".join(out_parts), edits_out, scores, notes))
        self.buf = self.buf[len(src):]
        self.base_line += src.count("\n")
        self.base = upto
        self.events = []
        self.text_len = 0

    def _text_nodes(self, src: str, upto: int) -> tuple[list[_TextNode], str]:
        """The editable text nodes of ``src`` and the text a reader sees (blocks split by blank lines).

        Adjacent runs of text separated only by inline tags (``<b>``, ``<a>``, comments) are
        joined as they read; each run is checked against the parser's own unescaped text, so any
        markup the parser skipped silently is never taken for text.
        """
        events = self.events
        ends = [ev.start for ev in events[1:]] + [upto]
        nodes: list[_TextNode] = []
        parts: list[str] = []
        vlen = 0
        sep = ""  # what separates the next text from the previous: "", a line or a paragraph break
        run: list[tuple[_Event, int]] = []

        def close_run() -> None:
            nonlocal vlen, sep
            if not run:
                return
            start, end = run[0][0].start, run[-1][1]
            raw = src[start - self.base: end - self.base]
            if html.unescape(raw) == "".join(ev.data for ev, _ in run) and not _MARKUP_LIKE.search(raw):
                if sep and parts:
                    parts.append(sep)
                    vlen += len(sep)
                sep = ""
                node = _TextNode(start, raw, vlen)
                nodes.append(node)
                parts.append(node.text)
                vlen += len(node.text)
            else:
                sep = "\n\n"
            run.clear()

        for ev, end in zip(events, ends):
            if ev.kind == "data" and ev.editable:
                run.append((ev, end))
                continue
            close_run()
            if ev.kind == "data" or (ev.tag in BLOCK_ELEMENTS and ev.tag != "br"):
                sep = "\n\n"
            elif ev.tag == "br" and not sep:
                sep = "\n"
        close_run()
        return nodes, "".join(parts)


def process_html(pieces: Iterable[str], explain: Explain) -> Iterator[Piece]:
    """Restore the visible text of an HTML document, leaving all markup byte-for-byte."""
    rw = _HtmlRewriter(explain)
    for piece in pieces:
        yield from rw.feed(piece)
    yield from rw.close()


# --------------------------------------------------------------------------- JSON Lines

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _field_span(line: str, name: str) -> tuple[int, int] | None:
    """Source span of the value of top-level key ``name`` (its last occurrence, as json.loads uses)."""
    pos = _WS.match(line, 0).end()  # type: ignore[union-attr]
    if not line.startswith("{", pos):
        return None
    pos = _WS.match(line, pos + 1).end()  # type: ignore[union-attr]
    found = None
    if line.startswith("}", pos):
        return None
    while True:
        if not line.startswith('"', pos):
            return None
        key, pos = json.decoder.scanstring(line, pos + 1)  # type: ignore[attr-defined]
        pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
        if not line.startswith(":", pos):
            return None
        pos = _WS.match(line, pos + 1).end()  # type: ignore[union-attr]
        _, end = _DECODER.raw_decode(line, pos)
        if key == name:
            found = (pos, end)
        pos = _WS.match(line, end).end()  # type: ignore[union-attr]
        if line.startswith(",", pos):
            pos = _WS.match(line, pos + 1).end()  # type: ignore[union-attr]
            continue
        return found


def _iter_lines(pieces: Iterable[str]) -> Iterator[str]:
    rest = ""
    for piece in pieces:
        text = rest + piece if rest else piece
        start = 0
        while True:
            nl = text.find("\n", start)
            if nl < 0:
                break
            yield text[start:nl + 1]
            start = nl + 1
        rest = text[start:]
    if rest:
        yield rest


def group_of(value: object) -> str | None:
    """A record's group (``--group-by``: its site or domain) as text; None when it has none."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def process_jsonl(pieces: Iterable[str], explain: Explain, field_name: str = "text", *,
                  group_field: str | None = None) -> Iterator[Piece]:
    """Restore one string field of every JSON Lines record; everything else stays byte-for-byte.

    With ``group_field`` (a site or domain field), each judged record's entry in ``records`` has
    its ``group`` (:func:`group_of` the field's value), and ``explain`` is called with
    ``group=`` that value as well."""
    src_parts: list[str] = []
    out_parts: list[str] = []
    edits: list[dict[str, object]] = []
    scores: list[tuple[float, int]] = []
    notes: list[str] = []
    judged: list[dict[str, object]] = []
    size = 0
    records = with_field = not_json = 0
    lineno = 0
    for line in _iter_lines(pieces):
        lineno += 1
        out = line
        body = line.rstrip("\r\n")
        if body.strip():
            records += 1
            try:
                obj = json.loads(body)
            except ValueError:
                obj = None
                not_json += 1
            if isinstance(obj, dict) and isinstance(obj.get(field_name), str):
                with_field += 1
                value = obj[field_name]
                span = _field_span(body, field_name) if not _is_blank(value) else None
                if span is not None:
                    if group_field is None:
                        ex = explain(value)
                    else:
                        group = group_of(obj.get(group_field))
                        ex = explain(value, group=group)  # type: ignore[call-arg]
                    scores.append((ex.spin_score, len(value)))
                    notes.extend(f"line {lineno}: {n}" for n in ex.notes)
                    ed = sorted(ex.edits, key=lambda e: e.start)
                    judged.append({"line": lineno, "spin_score": round(ex.spin_score, 4), "edits": len(ed)})
                    if group_field is not None:
                        judged[-1]["group"] = group
                    if ed:
                        restored = apply_edits(value, ed)
                        literal = body[span[0]:span[1]]
                        new = json.dumps(restored, ensure_ascii=literal.isascii())
                        out = body[:span[0]] + new + body[span[1]:] + line[len(body):]
                        edits.extend(_edit_dict(e, e.start, e.end, lineno, field=field_name) for e in ed)
        src_parts.append(line)
        out_parts.append(out)
        size += len(line)
        if size >= TARGET_CHARS:
            yield Piece("".join(src_parts), "".join(out_parts), edits, scores, notes, records=judged)
            src_parts, out_parts, edits, scores, notes, judged = [], [], [], [], [], []
            size = 0
    warnings = []
    if records and not with_field:
        warnings.append(f"no record has a string field {field_name!r} (choose the field with --field)")
    if not_json:
        warnings.append(f"{not_json} line(s) are not JSON and were left as they are")
    if src_parts or warnings:
        yield Piece("".join(src_parts), "".join(out_parts), edits, scores, notes, warnings, judged)


# --------------------------------------------------------------------------- diffs

def _range(start: int, count: int) -> str:
    if count == 1:
        return str(start + 1)
    return f"{start + (1 if count else 0)},{count}"


#: A line that grows past this many characters while it is fed to :class:`UnifiedDiff` is kept
#: in a temporary file instead of memory (a 50 MB line must not cost 600 MB).
LONG_LINE = 1024 * 1024


class _LongLine:
    """A line too long to keep in memory: its text in a temporary file, compared by a digest."""

    def __init__(self, text: str) -> None:
        self.fp = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass", newline="")
        self._hash = hashlib.sha256()
        self.digest = b""
        self.ends_nl = False
        self.append(text)

    def append(self, text: str) -> None:
        self.fp.write(text)
        self._hash.update(text.encode("utf-8", "surrogatepass"))
        if text:
            self.ends_nl = text.endswith("\n")

    def finish(self) -> _LongLine:
        self.digest = self._hash.digest()
        return self

    def parts(self) -> Iterator[str]:
        self.fp.seek(0)
        while True:
            block = self.fp.read(1 << 20)
            if not block:
                return
            yield block

    def close(self) -> None:
        self.fp.close()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _LongLine) and self.digest == other.digest

    def __hash__(self) -> int:
        return hash(self.digest)


class _Side:
    """One side of a diff being fed: its complete lines not yet compared, and the line begun."""

    def __init__(self) -> None:
        self.done: list[str | _LongLine] = []
        self.partial: str | _LongLine = ""

    def add(self, text: str) -> None:
        parts = text.split("\n")
        if len(parts) > 1:
            self._end_line(parts[0] + "\n")
            self.done.extend(p + "\n" for p in parts[1:-1])
        else:
            self._grow(parts[0])
            return
        self.partial = ""
        self._grow(parts[-1])

    def _end_line(self, tail: str) -> None:
        if isinstance(self.partial, _LongLine):
            self.partial.append(tail)
            self.done.append(self.partial.finish())
        else:
            self.done.append(self.partial + tail)

    def _grow(self, text: str) -> None:
        if isinstance(self.partial, _LongLine):
            self.partial.append(text)
        elif len(self.partial) + len(text) > LONG_LINE:
            self.partial = _LongLine(self.partial + text)
        else:
            self.partial += text

    def end(self) -> None:
        """End of input: a last line without a line break is complete too."""
        if isinstance(self.partial, _LongLine):
            self.done.append(self.partial.finish())
        elif self.partial:
            self.done.append(self.partial)
        self.partial = ""

    def take(self) -> list[str | _LongLine]:
        lines, self.done = self.done, []
        return lines


class UnifiedDiff:
    """A unified diff of a file fed piece by piece (bounded memory; hunks never span pieces, and a
    line that grows past :data:`LONG_LINE` characters waits in a temporary file)."""

    def __init__(self, old_name: str, new_name: str, write: Callable[[str], None], context: int = 3) -> None:
        self.old_name, self.new_name = old_name, new_name
        self.write = write
        self.context = context
        self.a_line = self.b_line = 0   # lines already consumed on each side
        self._a, self._b = _Side(), _Side()
        self.changed = False

    def feed(self, old: str, new: str) -> None:
        self._a.add(old)
        self._b.add(new)
        self._diff(self._a.take(), self._b.take())

    def close(self) -> None:
        self._a.end()
        self._b.end()
        self._diff(self._a.take(), self._b.take())

    def _diff(self, al: list[str | _LongLine], bl: list[str | _LongLine]) -> None:
        try:
            if al != bl:
                self._hunks(al, bl)
            self.a_line += len(al)
            self.b_line += len(bl)
        finally:
            for ln in al + bl:
                if isinstance(ln, _LongLine):
                    ln.close()

    def _hunks(self, al: list[str | _LongLine], bl: list[str | _LongLine]) -> None:
        sm = difflib.SequenceMatcher(None, al, bl, autojunk=False)
        for group in sm.get_grouped_opcodes(self.context):
            if not self.changed:
                self.write(f"--- {self.old_name}\n+++ {self.new_name}\n")
                self.changed = True
            i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
            self.write(f"@@ -{_range(self.a_line + i1, i2 - i1)} +{_range(self.b_line + j1, j2 - j1)} @@\n")
            for tag, x1, x2, y1, y2 in group:
                if tag == "equal":
                    for ln in al[x1:x2]:
                        self._line(" ", ln)
                    continue
                for ln in al[x1:x2]:
                    self._line("-", ln)
                for ln in bl[y1:y2]:
                    self._line("+", ln)

    def _line(self, mark: str, line: str | _LongLine) -> None:
        if isinstance(line, _LongLine):
            self.write(mark)
            for part in line.parts():
                self.write(part)
            ends_nl = line.ends_nl
        else:
            ends_nl = line.endswith("\n")
            self.write(mark + line)
        if not ends_nl:
            self.write("\n\\ No newline at end of file\n")
