"""Stage 0: homoglyph obfuscation, undone before anything else.

Some scraper sites leave the words as they are and swap Latin letters for look-alikes from other
scripts (Cyrillic ``а е і о р с ѕ``, Greek ``ο α``): the page reads the same, but its code points
defeat duplicate detection and search. A word that mixes Latin letters with such look-alikes is
never written so by a person typing English; a word made wholly of look-alikes is (Russian "сор"
reads "cop"), so those are mapped only in a text that already shows mixed words, and only when
what they read as is an English word.

The look-alike table is Unicode's confusables list (``confusable_homoglyphs``, which ships it),
restricted to letters whose Latin twin is a plain ASCII letter. Each word mapped is an edit whose
``original`` looks exactly like its ``spun`` (confidence 1: nothing visible changes), with
source ``homoglyph``; the rest of the pipeline then reads the mapped text.

Measured (the real pages of ``../shared/corpora/real-spun``, research use): on its three
homoglyph pages 12%, 45% and 65% of the words are mapped; in the 149,606 words of the 83 originals
of its pairs and 300 clean BBC articles, none.
"""
from __future__ import annotations

import math
from functools import lru_cache

import regex

from .edits import Edit, apply_edits

__all__ = ["find", "read", "evidence", "combine"]

# a non-ASCII letter (the only ones that can be look-alikes), and a word with at least one
_NON_ASCII_LETTER = regex.compile(r"[^\P{L}\x00-\x7f]")
_WORD = regex.compile(r"[\p{L}\p{M}]*[^\P{L}\x00-\x7f][\p{L}\p{M}]*")
_LATIN = regex.compile(r"\p{Latin}")

#: a text is read as obfuscated when at least MIN_TELLS distinct mixed words read as normally
#: cased English words of at least TELL_ZIPF (a word a page would use: "said", "team"); the real
#: obfuscated pages have 36, 83 and 110 such words, the clean text measured none
MIN_TELLS, TELL_ZIPF = 2, 3.0
#: log10 likelihood ratio that each distinct mixed-script word adds to a text's spin evidence: an
#: obfuscated page has them at 12-65% of its words (the three real ones), clean English at under
#: 2e-5 (none in the 149,606 words of 300 BBC articles and the real pairs' originals; the rule of
#: three bounds the rate at 3 / 149,606), so one such word is worth log10(0.12 / 2e-5) = 3.8
WORD_LLR = 3.8
#: ... and at most this many words count (they are not independent: one page, one tool)
MAX_WORDS = 5


@lru_cache(maxsize=4096)
def _latin(ch: str) -> str | None:
    """The ASCII letter that ``ch`` (a letter of another script) is a look-alike of, or None."""
    from confusable_homoglyphs import confusables

    for h in confusables.confusables_data.get(ch, ()):
        c = h["c"]
        if len(c) == 1 and c.isascii() and c.isalpha():
            return c
    return None


def _is_lookalike_block(ch: str) -> bool:
    """Latin letters no orthography uses (IPA and phonetic extensions: ``ᴜ ɡ ɩ``), which act as
    look-alikes of plain letters; other Latin letters (``é ñ ı``) are letters of their own."""
    o = ord(ch)
    return 0x0250 <= o <= 0x02AF or 0x1D00 <= o <= 0x1DBF


#: letters that Unicode's skeletons fold together (``I`` and ``l`` share one; ``ɩ`` is listed as
#: ``i``): a look-alike of one of them may stand for any, and the word decides (a real page wrote
#: "ruthless" with ``ɩ`` for ``l``)
_AMBIGUOUS = "ilI"


def _map(word: str) -> tuple[str | None, bool, bool]:
    """(the word with every look-alike replaced by its twin, or None if some letter of another
    script has no ASCII twin; whether it has plain ASCII letters; whether it has look-alikes)."""
    options: list[str] = []
    ascii_letters = lookalikes = False
    unmapped = False
    for ch in word:
        if ch.isascii() or not ch.isalpha() or (_LATIN.match(ch) and not _is_lookalike_block(ch)):
            ascii_letters = ascii_letters or (ch.isascii() and ch.isalpha())
            options.append(ch)
            continue
        lookalikes = True
        t = _latin(ch)
        if t is None:
            unmapped = True
            options.append(ch)
        else:
            if t in _AMBIGUOUS:
                t = "".join(c for c in _AMBIGUOUS if c.isupper() == ch.isupper()) or t
            options.append(t)
    if unmapped or not lookalikes:
        return None, ascii_letters, lookalikes
    return _best(options), ascii_letters, lookalikes


def _best(options: list[str]) -> str:
    """The spelling, one letter from each option, that is the commonest English word (the first
    if none is a word)."""
    import itertools

    if all(len(o) == 1 for o in options):
        return "".join(options)
    from wordfreq import word_frequency

    best, best_f = None, -1.0
    for combo in itertools.islice(itertools.product(*options), 64):
        w = "".join(combo)
        f = word_frequency(w.lower(), "en")
        if f > best_f:
            best, best_f = w, f
    assert best is not None
    return best


def find(text: str) -> list[Edit]:
    """The homoglyph-obfuscated words of ``text`` as edits to their Latin spelling."""
    # most news is ASCII but for its quotes and dashes: one scan for a non-ASCII letter settles
    # it (45 MB/s on the BBC articles that are not ASCII, against 3 MB/s for the word scan)
    if text.isascii() or _NON_ASCII_LETTER.search(text) is None:
        return []
    mixed: list[Edit] = []
    whole: list[tuple[int, int, str, str]] = []
    for m in _WORD.finditer(text):
        word = m.group()
        mapped, ascii_letters, lookalikes = _map(word)
        if not lookalikes:
            continue
        if mapped is None:
            continue  # a letter with no plain twin (Cyrillic "г" for "r"): left as it is
        if ascii_letters:
            mixed.append(Edit(m.start(), m.end(), word, mapped, 1.0, "homoglyph",
                              "Latin letters mixed with look-alikes from another script"))
        else:
            whole.append((m.start(), m.end(), word, mapped))
    # the tell: several distinct mixed words that read as common, normally cased English words
    # ("sаid", "Тhursdаy"). One odd word is not enough, nor are symbols that mix by design:
    # science writes "NF-κB" and "5 μM" (read "kB", "uM": not normally cased words)
    from wordfreq import zipf_frequency

    tells = {e.original for e in mixed if _cased(e.original) and zipf_frequency(e.original.lower(), "en") >= TELL_ZIPF}
    if len(tells) < MIN_TELLS:
        return []
    for start, end, word, mapped in whole:
        if zipf_frequency(mapped.lower(), "en") > 0:
            mixed.append(Edit(start, end, word, mapped, 1.0, "homoglyph",
                              "look-alike letters of another script in a text with mixed words"))
    mixed.sort(key=lambda e: e.start)
    return mixed


def read(text: str) -> tuple[str, list[Edit]]:
    """``text`` as the rest of textfix reads it (look-alikes replaced), and the edits that did it."""
    glyphs = find(text)
    return (apply_edits(text, glyphs) if glyphs else text), glyphs


def _cased(w: str) -> bool:
    return w.islower() or w.isupper() or (w[:1].isupper() and w[1:].islower())


def evidence(edits: list[Edit]) -> float:
    """log10 likelihood ratio (spun against clean) of a text with these homoglyph edits."""
    words = {e.spun for e in edits if e.source == "homoglyph"}
    return WORD_LLR * min(len(words), MAX_WORDS)


def combine(score: float, llr: float) -> float:
    """A spin score moved by independent evidence of ``llr`` (log10 odds)."""
    if llr <= 0:
        return score
    score = min(max(score, 1e-12), 1 - 1e-12)
    z = math.log10(score / (1 - score)) + llr
    return 1.0 / (1.0 + 10 ** -z)
