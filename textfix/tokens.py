"""Stage 1: tokens with exact offsets, sentences, and protected spans.

Everything downstream works on :class:`Token` objects that point into the input string; the
text itself is never rebuilt from tokens, so whatever is not edited stays byte-for-byte.

One compiled ``regex`` scans the text once: URLs and e-mail addresses, numbers inside figures
("5,380", "12.5%", "82mm") and words. URLs and figures become single tokens marked ``fixed``.
Quotation marks are found by a second scan over quote characters only.
"""
from __future__ import annotations

import bisect
import functools
import itertools
from dataclasses import dataclass

import regex

__all__ = ["Token", "tokenize", "quote_spans", "QUOTE", "NAME", "URL", "NUMBER", "PARAGRAPH_BREAK"]

QUOTE, NAME, URL, NUMBER = "quote", "name", "url", "number"

_WORD = r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*"
# numbers inside figures: 5,380  12.5%  1:30  24/7  18-month  $5  £3bn (82mm, 70th, G8 are mixed words)
_FIGURE = (r"[$£€¥]\p{Nd}[\p{Nd}.,]*\p{L}*"
           r"|\p{Nd}+(?:[.,:/]\p{Nd}+)+%?"
           r"|\p{Nd}+(?:%|-\p{L}+)")
_URL = regex.compile(
    r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"“”]+"""
    r"""|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"""
    r"""|\b[\w-]+(?:\.[\w-]+)*\.(?i:com|org|net|edu|gov|int|io|co|uk|de|fr|info|biz)\b(?:/[^\s<>"“”]*)?""")
# cheap test for whether a text may hold a URL or e-mail address at all
_URL_HINT = regex.compile(r"://|www\.|@|\.(?i:com|org|net|edu|gov|int|io|co|uk|de|fr|info|biz)\b")
_LETTERS = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*")
# between two tokens of one phrase: horizontal space, at most one line break
_JOIN = regex.compile(r"[^\S\n]*\n?[^\S\n]*")
_QUOTE_CHARS = regex.compile(r"[\"“”„«»‘’'\n]")
#: a blank line: where one paragraph ends and the next begins
PARAGRAPH_BREAK = regex.compile(r"\n[^\S\n]*\n")
_ABBREV = frozenset("""mr mrs ms dr prof gen brig sen rep gov lt col capt sgt st jr sr rev inc corp co ltd
    vs etc no nos fig al maj adm cmdr det insp supt pres sec dept univ ave blvd mt ft jan feb mar apr
    jun jul aug sep sept oct nov dec""".split())
_OPEN_DQ = "“„«"
_DQ = "\"“”„«»"


@functools.cache
def _scanner(numbers: bool) -> regex.Pattern[str]:
    if numbers:
        return regex.compile(f"(?P<fig>{_FIGURE})|(?P<tok>{_WORD})")
    return regex.compile(f"(?P<tok>{_WORD})")


@dataclass(slots=True)
class Token:
    """A word, number, URL or figure in the input: ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    norm: str              # lowercase, curly apostrophes straightened
    is_word: bool          # letters (and apostrophes) only
    is_number: bool        # digits only
    sent_start: bool       # first token of a sentence
    cap: bool              # first letter uppercase
    fixed: str | None      # URL or NUMBER: never changes, whatever the document
    joined_prev: bool      # only spaces (at most one line break) separate it from the previous token
    in_quote: bool = False  # inside quotation marks
    sent_end: bool = False  # last token of a sentence
    hyphened: bool = False  # part of a hyphenated compound
    name_like: bool = False  # capitalised and not sentence-initial (or in a run of capitalised words)
    newline_before: bool = False  # a line break separates it from the previous token

    def protection(self, quotes: bool, names: bool) -> str | None:
        """Why this token must not change under the given protections (None: it may)."""
        if self.fixed is not None:
            return self.fixed
        if names and self.name_like:
            return NAME
        if quotes and self.in_quote:
            return QUOTE
        return None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks, sorted. A double quote left open runs to the end of its
    line (a paragraph); single quotes count only when they pair up within the line."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    dq_open = sq_open = -1
    for m in _QUOTE_CHARS.finditer(text):
        i = m.start()
        c = text[i]
        if c == "\n":
            if dq_open >= 0:
                spans.append((dq_open, i))
            dq_open = sq_open = -1
            continue
        prev_an = i > 0 and text[i - 1].isalnum()
        next_an = i + 1 < n and text[i + 1].isalnum()
        if c in _DQ:
            if prev_an and next_an:
                continue  # Russia”s: a mistyped apostrophe, not a quote
            if dq_open < 0:
                if c in _OPEN_DQ or c == '"' or not prev_an:
                    dq_open = i
            elif c not in _OPEN_DQ:
                spans.append((dq_open, i + 1))
                dq_open = sq_open = -1
        elif dq_open < 0:
            if sq_open < 0:
                if c in "‘'" and not prev_an and i + 1 < n and text[i + 1].isalpha():
                    sq_open = i
            elif c in "’'" and not next_an:
                spans.append((sq_open, i + 1))
                sq_open = -1
    if dq_open >= 0:
        spans.append((dq_open, n))
    return spans


def _ends_sentence(gap: str, prev_text: str, next_char: str) -> bool:
    """Does the text between two tokens end a sentence (for capitalisation)?"""
    if "\n" in gap and (gap.count("\n") > 1 or not next_char.islower()):
        return True  # a paragraph break, or a new line that starts with a capital
    stripped = gap.strip()
    if not stripped:
        return False
    if stripped[0] == "." and (prev_text.lower() in _ABBREV or (len(prev_text) == 1 and prev_text.isupper())):
        return False
    if any(ch in ".!?…" for ch in stripped):
        return True
    # a capitalised word after a dash or colon starts a new clause ("SEOUL — A rare trip")
    return stripped[-1] in ":—–" and next_char.isupper()


def tokenize(text: str, *, urls: bool = True, numbers: bool = True) -> list[Token]:
    """Split ``text`` into tokens with offsets, sentence flags and protection facts."""
    # split() gives [gap, figure, word, gap, figure, word, ..., gap] (one of figure/word is None):
    # the gaps come as strings and offsets follow from lengths, with no match object per token
    parts = _scanner(numbers).split(text)
    if numbers:
        items = zip(parts[0::3], parts[1::3], parts[2::3])
    else:
        items = zip(parts[0::2], itertools.repeat(None), parts[1::2])
    tokens: list[Token] = []
    append = tokens.append
    sent_start = True
    pos = 0
    prev: Token | None = None
    for gap, fig, t in items:
        s = pos + len(gap)
        newline = hyphen = False
        if prev is None:
            joined = False
        elif gap == " ":
            joined = True
        else:
            joined = _JOIN.fullmatch(gap) is not None
            newline = "\n" in gap or "\r" in gap
            if _ends_sentence(gap, prev.text, (t or fig)[0]):
                sent_start = True
                prev.sent_end = True
            if gap in ("-", "\u2010"):
                prev.hyphened = hyphen = True
        if t is not None:
            pos = e = s + len(t)
            norm = t.lower()
            if "’" in norm:
                norm = norm.replace("’", "'")
            if t.isalpha() or _LETTERS.fullmatch(t) is not None:
                tok = Token(s, e, t, norm, True, False, sent_start, t[0].isupper(), None, joined, False, False,
                            hyphen, False, newline)
            elif t.isdecimal():
                tok = Token(s, e, t, norm, False, True, sent_start, False, None, joined, False, False, hyphen,
                            False, newline)
            else:  # letters and digits mixed: 82mm, 70th, G8, 1000’s
                fixed = NUMBER if numbers and not norm.endswith("'s") else None
                tok = Token(s, e, t, norm, False, False, sent_start, t[0].isupper(), fixed, joined, False, False,
                            hyphen, False, newline)
        else:
            pos = e = s + len(fig)
            tok = Token(s, e, fig, fig.lower(), False, False, sent_start, False, NUMBER, joined, False, False, False,
                        False, newline)
        append(tok)
        prev = tok
        sent_start = False
    if prev is not None:
        prev.sent_end = True
    if urls and _URL_HINT.search(text):
        _mark_urls(tokens, text)
    _mark_quotes(tokens, text)
    _mark_names(tokens)
    return tokens


def _overlapping(tokens: list[Token], spans: list[tuple[int, int]]) -> list[Token]:
    """The tokens that overlap any of the sorted, non-overlapping ``spans`` (a binary search per
    span: only the tokens inside a span are visited)."""
    out: list[Token] = []
    if not spans:
        return out
    ends = [t.end for t in tokens]
    n = len(tokens)
    for start, end in spans:
        k = bisect.bisect_right(ends, start)   # the first token ending after the span's start
        while k < n and tokens[k].start < end:
            out.append(tokens[k])
            k += 1
    return out


def _mark_urls(tokens: list[Token], text: str) -> None:
    for t in _overlapping(tokens, [m.span() for m in _URL.finditer(text)]):
        t.fixed = URL


def _mark_quotes(tokens: list[Token], text: str) -> None:
    if not any(c in text for c in _DQ) and "‘" not in text and "'" not in text and "’" not in text:
        return
    for t in _overlapping(tokens, quote_spans(text)):
        t.in_quote = True


def _mark_names(tokens: list[Token]) -> None:
    """Capitalised words that do not start a sentence are names or titles.

    A sentence-initial capitalised word followed by another capitalised word ("North Korea",
    "Defense Minister") counts too, and so does any word with a capital after its first letter
    (ICBMs, McDonald).
    """
    n = len(tokens)
    for i, t in enumerate(tokens):
        if not t.cap:
            continue
        if not t.sent_start or any(c.isupper() for c in t.text[1:]):
            t.name_like = True
        elif i + 1 < n and tokens[i + 1].cap and tokens[i + 1].joined_prev and not tokens[i + 1].sent_start:
            t.name_like = True
