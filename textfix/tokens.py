"""Stage 1: tokens with exact offsets, sentences, and protected spans.

Everything downstream works on :class:`Token` objects that point into the input string;
the text itself is never rebuilt from tokens, so whatever is not edited stays byte-for-byte.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

__all__ = ["Token", "tokenize", "protected_spans", "QUOTE", "NAME", "URL", "NUMBER"]

QUOTE, NAME, URL, NUMBER = "quote", "name", "url", "number"

_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*")
_LETTERS = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*")
_DIGITS = regex.compile(r"\p{Nd}+")
# Between two tokens of one phrase: horizontal space, at most one line break.
_JOIN = regex.compile(r"[^\S\n]*\n?[^\S\n]*")
_URL = regex.compile(
    r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"“”]+"""
    r"""|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"""
    r"""|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|int|io|co|uk|de|fr|info|biz)\b(?:/[^\s<>"“”]*)?""",
    regex.IGNORECASE)
# Numbers inside figures: 5,380  12.5%  1:30  24/7  82mm  70th  18-month  $5  £3bn
_FIGURE = regex.compile(
    r"[$£€¥]?\p{Nd}+(?:[.,:/]\p{Nd}+)+%?"
    r"|[$£€¥]\p{Nd}+\p{L}*"
    r"|\p{Nd}+(?:%|\p{L}+|-\p{L}+)"
    r"|\p{L}+\p{Nd}[\p{L}\p{Nd}]*")
_ABBREV = frozenset("""mr mrs ms dr prof gen brig sen rep gov lt col capt sgt st jr sr rev inc corp co ltd
    vs etc no nos fig al maj adm cmdr det insp supt pres sec dept univ ave blvd mt ft jan feb mar apr
    jun jul aug sep sept oct nov dec""".split())
_OPEN_DQ = "“„«"
_CLOSE_DQ = "”»"


@dataclass(slots=True)
class Token:
    """A word or number in the input: ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    norm: str              # lowercase, curly apostrophes straightened
    is_word: bool          # letters (and apostrophes) only
    is_number: bool        # digits only
    sent_start: bool       # first token of a sentence
    cap: bool              # first letter uppercase
    in_quote: bool         # inside quotation marks
    fixed: str | None      # URL or NUMBER: never changes, whatever the document
    joined_prev: bool      # only spaces (at most one line break) separate it from the previous token
    sent_end: bool = False  # last token of a sentence
    hyphened: bool = False  # part of a hyphenated compound
    name_like: bool = False  # capitalised and not sentence-initial (or in a run of capitalised words)

    def protection(self, quotes: bool, names: bool) -> str | None:
        """Why this token must not change under the given protections (None: it may)."""
        if self.fixed is not None:
            return self.fixed
        if names and self.name_like:
            return NAME
        if quotes and self.in_quote:
            return QUOTE
        return None


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks. A quote left open runs to the end of its line (paragraph)."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    line_start = 0
    while line_start <= n:
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = n
        dq_open = -1      # offset of an open double quote
        sq_open = -1      # offset of an open single quote
        i = line_start
        while i < line_end:
            c = text[i]
            prev = text[i - 1] if i > line_start else " "
            nxt = text[i + 1] if i + 1 < line_end else " "
            if c in _OPEN_DQ or c in _CLOSE_DQ or c == '"':
                if prev.isalnum() and nxt.isalnum():
                    pass  # Russia”s: a mistyped apostrophe, not a quote
                elif dq_open < 0 and (c in _OPEN_DQ or c == '"' or (c in _CLOSE_DQ and not prev.isalnum()
                                                                   and nxt.isalnum())):
                    dq_open = i
                elif dq_open >= 0 and c not in _OPEN_DQ:
                    spans.append((dq_open, i + 1))
                    dq_open = -1
                    sq_open = -1
            elif dq_open < 0 and c in "‘'" and sq_open < 0:
                if not prev.isalnum() and (nxt.isalpha()):
                    sq_open = i
            elif dq_open < 0 and c in "’'" and sq_open >= 0:
                if not nxt.isalnum():
                    spans.append((sq_open, i + 1))
                    sq_open = -1
            i += 1
        if dq_open >= 0:
            spans.append((dq_open, line_end))
        # an unclosed single quote is most likely an apostrophe-like use: ignore it
        line_start = line_end + 1
    return spans


def protected_spans(text: str, *, urls: bool = True, numbers: bool = True,
                    quotes: bool = True) -> list[tuple[int, int, str]]:
    """Character spans that must not change: (start, end, kind)."""
    out: list[tuple[int, int, str]] = []
    if urls:
        out.extend((m.start(), m.end(), URL) for m in _URL.finditer(text))
    if numbers:
        out.extend((m.start(), m.end(), NUMBER) for m in _FIGURE.finditer(text))
    if quotes:
        out.extend((s, e, QUOTE) for s, e in _quote_spans(text))
    out.sort()
    return out


def _is_sentence_end(text: str, tok_end: int, tok_text: str, next_start: int) -> bool:
    """Does the text between a token and the next one end a sentence (for capitalisation)?"""
    gap = text[tok_end:next_start]
    if "\n" in gap:
        return True
    stripped = gap.strip()
    if not stripped:
        return False
    if stripped[0] == "." and (tok_text.lower() in _ABBREV or (len(tok_text) == 1 and tok_text.isupper())):
        return False
    if any(ch in ".!?…" for ch in stripped):
        return True
    # a capitalised word after a dash or colon starts a new clause ("SEOUL — A rare trip")
    return stripped[-1] in ":—–" and text[next_start:next_start + 1].isupper()


def tokenize(text: str, *, urls: bool = True, numbers: bool = True) -> list[Token]:
    """Split ``text`` into tokens with offsets, sentence flags and protection facts."""
    spans = protected_spans(text, urls=urls, numbers=numbers, quotes=True)
    tokens: list[Token] = []
    si = 0
    active: list[tuple[int, int, str]] = []
    sent_start = True
    prev_end = 0
    for k, m in enumerate(_TOKEN.finditer(text)):
        s, e = m.span()
        t = m.group()
        gap = text[prev_end:s] if k else ""
        if k and _is_sentence_end(text, prev_end, tokens[-1].text, s):
            sent_start = True
            tokens[-1].sent_end = True
        while si < len(spans) and spans[si][0] < e:
            active.append(spans[si])
            si += 1
        active = [a for a in active if a[1] > s]
        fixed: str | None = None
        in_quote = False
        for a in active:
            if a[0] < e and a[1] > s:
                if a[2] == QUOTE:
                    in_quote = True
                elif fixed is None:
                    fixed = a[2]
        joined = bool(k) and _JOIN.fullmatch(gap) is not None
        hyph = s > 0 and text[s - 1] in "-\u2010"
        if text[e:e + 1] in ("-", "\u2010") and e + 1 < len(text) and text[e + 1].isalnum():
            hyph = True
        tokens.append(Token(s, e, t, t.lower().replace("\u2019", "'"), _LETTERS.fullmatch(t) is not None,
                            _DIGITS.fullmatch(t) is not None, sent_start, t[0].isupper(), in_quote, fixed,
                            joined, hyphened=hyph))
        sent_start = False
        prev_end = e
    if tokens:
        tokens[-1].sent_end = True
    _mark_names(tokens)
    return tokens


def _mark_names(tokens: list[Token]) -> None:
    """Capitalised words that do not start a sentence are names or titles.

    A sentence-initial capitalised word followed by another capitalised word ("North Korea",
    "Defense Minister") counts too, and so does any word with a capital after its first letter
    (ICBMs, McDonald).
    """
    for i, t in enumerate(tokens):
        if not t.cap:
            continue
        if not t.sent_start or any(c.isupper() for c in t.text[1:]):
            t.name_like = True
        elif i + 1 < len(tokens) and tokens[i + 1].cap and tokens[i + 1].joined_prev \
                and not tokens[i + 1].sent_start:
            t.name_like = True
