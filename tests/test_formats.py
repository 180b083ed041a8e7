"""The pieces under the command line: decoding, chunking, the HTML and JSON Lines rewriters,
streaming diffs, atomic writes and folder walks. Where a test needs edits it uses the real
library on the spun excerpt in ``tests/data/cli``.
"""
from __future__ import annotations

import codecs
import difflib
import io
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textfix
from textfix.fileio import AtomicWriter, InputError, is_temp_name, iter_files, open_text
from textfix.formats import (MAX_CHARS, TARGET_CHARS, UnifiedDiff, _field_span, chunk_text, format_for_path,
                             process_html, process_jsonl, process_text)

from _unidiff import apply_unified

DATA = Path(__file__).parent / "data" / "cli"
SPUN = (DATA / "spun.txt").read_text(encoding="utf-8")
CLEAN = (DATA / "clean.txt").read_text(encoding="utf-8")


def decode(data: bytes, encoding: str = "utf-8", block: int = 7) -> tuple[str, bytes, str]:
    s = open_text(io.BytesIO(data), "f.txt", encoding, block=block)
    return "".join(s.pieces), s.bom, s.codec


def explain(text: str) -> textfix.Explanation:
    return textfix.explain(text)


# --------------------------------------------------------------------------- decoding

def test_decode_keeps_crlf_and_sets_bom_aside():
    assert decode(b"\xef\xbb\xbfa\r\nb\r\n") == ("a\r\nb\r\n", b"\xef\xbb\xbf", "utf-8")
    assert decode("\ufeffx".encode("utf-16-le"), "utf-16") == ("x", b"\xff\xfe", "utf-16-le")
    assert decode("\ufeffx".encode("utf-16-be"), "utf-16") == ("x", b"\xfe\xff", "utf-16-be")
    assert decode("\ufeffx".encode("utf-32-be"), "utf-32") == ("x", b"\x00\x00\xfe\xff", "utf-32-be")
    assert decode(b"", "utf-8") == ("", b"", "utf-8")
    assert decode(b"\xe9t\xe9", "latin-1") == ("\xe9t\xe9", b"", "iso8859-1")


def test_decode_error_offsets_across_blocks():
    data = ("\u00e9" * 10).encode() + b"ab\xffcd"
    with pytest.raises(InputError, match=r"^f\.txt: not valid utf-8 at byte offset 22: invalid byte \(0xff\)"):
        decode(data, block=3)
    # a multi-byte character cut at a block edge is not an error
    assert decode(("\u20ac" * 50).encode(), block=4)[0] == "\u20ac" * 50
    with pytest.raises(InputError, match="byte offset 4: truncated character at end of file"):
        decode(b"abcd\xe2\x82", block=4)


def test_binary_is_detected_with_its_offset():
    with pytest.raises(InputError, match=r"binary file \(NUL byte at byte offset 9\)"):
        decode(b"some text\x00more", block=4)
    with pytest.raises(InputError, match=r"binary file \(NUL character at byte offset 4\)"):
        decode("ab\x00c".encode("utf-16-le"), "utf-16-le")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.integers(1, 9))
def test_decode_agrees_with_bytes_decode(data, block):
    if b"\x00" in data:
        with pytest.raises(InputError, match="binary file|not valid"):
            decode(data, block=block)
        return
    try:
        expected = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        with pytest.raises(InputError, match=f"not valid utf-8 at byte offset {exc.start}:"):
            decode(data, block=block)
        return
    text, bom, _ = decode(data, block=block)
    assert bom.decode("utf-8") + text == expected


# --------------------------------------------------------------------------- chunking

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n\r\t", max_size=400), st.integers(1, 40))
def test_chunks_join_back_and_stay_bounded(text, piece):
    pieces = [text[i:i + piece] for i in range(0, len(text), piece)]
    chunks = list(chunk_text(pieces, target=20, limit=50))
    assert "".join(chunks) == text
    assert all(0 < len(c) <= 50 for c in chunks)
    for a, b in zip(chunks, chunks[1:]):
        assert not (a.endswith("\r") and b.startswith("\n"))


def test_chunks_are_whole_paragraphs():
    paras = [f"paragraph {i} " + "word " * (100 + i) for i in range(400)]
    text = "\n\n".join(paras) + "\n"
    chunks = list(chunk_text([text[i:i + 1000] for i in range(0, len(text), 1000)]))
    assert "".join(chunks) == text and len(chunks) > 2
    for c in chunks[:-1]:
        assert c.endswith("\n\n") and TARGET_CHARS // 4 <= len(c) <= TARGET_CHARS
    # one enormous paragraph is cut at line ends
    long_para = ("line " * 30 + "\n") * 20000
    chunks = list(chunk_text([long_para]))
    assert "".join(chunks) == long_para
    assert all(c.endswith("\n") and len(c) <= MAX_CHARS for c in chunks)


def test_plain_text_restoration_matches_the_library():
    pieces = list(process_text([SPUN[:500], SPUN[500:]], explain))
    assert "".join(p.out for p in pieces) == textfix.restore(SPUN)
    assert "".join(p.src for p in pieces) == SPUN
    edits = [e for p in pieces for e in p.edits]
    assert edits and all(SPUN[e["start"]:e["end"]] == e["spun"] for e in edits)


def test_format_for_path():
    assert [format_for_path(p) for p in ("a.HTM", "b.xhtml", "c.ndjson", "d.JSONL", "e.txt", "f")] == \
        ["html", "html", "jsonl", "jsonl", "text", "text"]


# --------------------------------------------------------------------------- HTML

def _html(page: str, split: int = 13) -> str:
    pieces = [page[i:i + split] for i in range(0, len(page), split)]
    return "".join(p.out for p in process_html(pieces, explain))


@pytest.mark.parametrize("page", [
    "",
    "<p>plain</p>",
    "<!doctype html><html><head><script>if (a<b) x = '</p>';</script></head><body>hi</body></html>",
    "<p title='x > y'>a &lt; b &amp;&amp; c</p><!-- a < b --><?php echo 1 ?><![CDATA[x]]>",
    "<p>unclosed <b>bold <i>italic</p> text < 3 and &unknown; &#xZZ; & done",
    "<div\n  class=\"multi\nline\">\r\ntext\r\n</div>\r\n<script>unclosed",
    "text before any tag <br/> <img src=x alt='A uncommon journey'> after",
])
def test_html_without_spun_text_is_unchanged(page):
    assert _html(page) == page
    assert _html(page, split=1) == page


def test_html_restores_visible_text_only():
    paras = [p for p in SPUN.split("\n\n") if p.strip()]
    body = "".join(f"<p>{p}</p>\n" for p in paras)
    head = (f"<html><head><title>t</title><style>/*{paras[1]}*/</style></head><body>\n"
            f"<!-- {paras[1]} --><code>{paras[1]}</code><textarea>{paras[1]}</textarea>\n")
    page = head + body + "</body></html>"
    out = _html(page)
    assert out != page
    assert out.startswith(head) and out.endswith("</p>\n</body></html>")
    assert out.count("<p>") == page.count("<p>") and out.count("</p>") == page.count("</p>")
    # the paragraphs are restored as they would be in a text of their own
    assert out[len(head):].replace("<p>", "").replace("</p>\n", "\n\n").rstrip() \
        .replace("</body></html>", "").rstrip() == textfix.restore("\n\n".join(paras)).rstrip()
    assert _html(page, split=5) == out  # fed in small pieces: same result


def test_html_long_page_is_flushed_in_stretches():
    paras = [p for p in SPUN.split("\n\n") if p.strip()] + [CLEAN]
    page = "<html><body>\n" + "".join(f"<p>{p}</p>\n" for p in paras) * 60 + "</body></html>\n"
    pieces = list(process_html([page[i:i + 4096] for i in range(0, len(page), 4096)], explain))
    assert len(pieces) > 1
    assert "".join(p.src for p in pieces) == page
    for p in pieces:
        for e in p.edits:
            assert page[e["start"]:e["end"]] == e["spun"]


# --------------------------------------------------------------------------- JSON Lines

@pytest.mark.parametrize("line,span", [
    ('{"text": "a"}', (9, 12)),
    ('  { "id" : 1 , "text" :"a\\"b" }  ', (23, 29)),
    ('{"text": "first", "text": "second"}', (26, 34)),
    ('{"te\\u0078t": "escaped key"}', (14, 27)),
    ('{"a": {"text": "nested"}, "b": [1, {"text": "x"}]}', None),
    ('{}', None),
    ('[]', None),
])
def test_field_span(line, span):
    assert _field_span(line, "text") == span
    if span:
        assert json.loads(line[span[0]:span[1]]) == json.loads(line)["text"]


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=5), json_values, max_size=5), st.sampled_from([(", ", ": "), (",", ":"), (" , ", " :  ")]),
       st.booleans())
def test_field_span_finds_the_value_json_loads_sees(obj, seps, ascii_only):
    line = json.dumps(obj, separators=seps, ensure_ascii=ascii_only)
    for key in list(obj)[:3]:
        span = _field_span(line, key)
        assert span is not None
        assert json.loads(line[span[0]:span[1]]) == obj[key]


def test_jsonl_keeps_unparsable_and_fieldless_lines():
    src = 'nope\n{"id": 1}\n{"text": 5}\n\n   \n{"text": ""}\n[1]\n{"text": "tail without newline"}'
    pieces = list(process_jsonl([src[:7], src[7:]], explain, "text"))
    assert "".join(p.out for p in pieces) == src
    assert any("1 line(s) are not JSON" in w for p in pieces for w in p.warnings)


# --------------------------------------------------------------------------- diffs

@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(["a\n", "b\n", "c\r\n", "d\n"]), max_size=6),
                          st.lists(st.sampled_from(["a\n", "b\n", "x\n", "c\r\n"]), max_size=6)), max_size=5),
       st.sampled_from(["", "end", "a\n"]))
def test_streamed_diff_applies(pairs, tail):
    old = "".join("".join(a) for a, _ in pairs) + tail
    new = "".join("".join(b) for _, b in pairs) + (tail.upper() if tail == "end" else tail)
    out: list[str] = []
    d = UnifiedDiff("a", "b", out.append)
    for a, b in pairs:
        d.feed("".join(a), "".join(b))
    d.feed(tail, tail.upper() if tail == "end" else tail)
    d.close()
    diff = "".join(out)
    if all(a == b for a, b in pairs) and tail != "end":
        assert diff == ""
    assert apply_unified(old, diff) == new


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a\n", "b\n", "c\n"]), max_size=12),
       st.lists(st.sampled_from(["a\n", "b\n", "x\n"]), max_size=12))
def test_one_piece_diff_is_difflibs(a, b):
    out: list[str] = []
    d = UnifiedDiff("a", "b", out.append)
    d.feed("".join(a), "".join(b))
    d.close()
    expected = "".join(difflib.unified_diff(a, b, "a", "b"))
    assert "".join(out) == expected.replace("--- a\n+++ b\n", "--- a\n+++ b\n")


# --------------------------------------------------------------------------- atomic writes

def test_atomic_writer_commit_abort_and_backup(tmp_path):
    dest = tmp_path / "f.txt"
    dest.write_text("old")
    dest.chmod(0o604)
    w = AtomicWriter(str(dest))
    w.write(b"new")
    tmp = Path(w.tmp)
    assert tmp.parent == tmp_path and is_temp_name(tmp.name)
    assert dest.read_text() == "old"  # nothing visible before commit
    w.abort()
    assert not tmp.exists() and dest.read_text() == "old"

    with AtomicWriter(str(dest), backup=str(dest) + ".bak") as w:
        w.write(b"new")
        w.commit()
    assert dest.read_text() == "new" and (tmp_path / "f.txt.bak").read_text() == "old"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "f.txt.bak"]

    with AtomicWriter(str(tmp_path / "fresh.txt"), umask=0o027) as w:
        w.write(b"x")
        w.commit()
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o640

    with pytest.raises(RuntimeError):
        with AtomicWriter(str(dest)) as w:
            w.write(b"half")
            raise RuntimeError
    assert dest.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "f.txt.bak", "fresh.txt"]


# --------------------------------------------------------------------------- walking

def test_iter_files_order_and_skips(tmp_path):
    for rel in ["b.txt", "a.TXT", "z/y.html", "z/x.md", ".git/c.txt", ".hid.txt", "m/n/o.jsonl"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    (tmp_path / "link.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / ".b.txt.textfix-abc_12.tmp").write_text("half")
    stale: list[str] = []
    found = [f.rel for f in iter_files(str(tmp_path), stale=stale)]
    assert found == ["a.TXT", "b.txt", "m/n/o.jsonl", "z/y.html"]
    assert [os.path.basename(s) for s in stale] == [".b.txt.textfix-abc_12.tmp"]
    assert [f.rel for f in iter_files(str(tmp_path), ["*.md"])] == ["z/x.md"]
    assert [f.rel for f in iter_files(str(tmp_path), exclude=[str(tmp_path / "z")])] == ["a.TXT", "b.txt",
                                                                                       "m/n/o.jsonl"]
    errors: list[str] = []
    assert list(iter_files(str(tmp_path / "missing"), errors=errors)) == []
    assert errors and "cannot list folder" in errors[0]


def test_codecs_with_incremental_state_are_supported():
    text = "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\n" * 5
    for enc in ("shift_jis", "euc-jp", "gb18030", "utf-16-le"):
        assert decode(text.encode(enc), enc, block=3)[0] == text
    assert codecs.lookup("utf-8-sig").name == "utf-8-sig"
