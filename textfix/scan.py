"""spin_score's fast path (issue 14): the document evidence in one pass, without the thesaurus
sample; the full pass only where that leaves the verdict open.

``spin_score`` weighs a document's evidence (:func:`textfix.detect.evaluate`): the language
model's verdict on every match of the curated tables (``phrases``, ``family``), on an even sample
of up to 40 thesaurus matches, the tells, and the fluency of the body's content words. In the full
pass most of the time goes into a :class:`~textfix.tokens.Token` per word and into the thesaurus
sample (nearly every word of news is in the thesaurus). The scan computes the same evidence from a
plain ``re`` tokenisation: one pass (``Scorer.scan``: the tokens, their lower-cased and vocabulary
forms, the fluency loop) that is one C function on the compiled path (``_fastlm.LM.scan``; the same
pass in Python without it, with the same results):

- the curated tables' phrases are found by an index of their first words (``_fastlm.phrases``) on
  the compiled path, by one Aho-Corasick pass (pyahocorasick) over the words on the pure-Python
  one, and scored as the full pass scores them (:func:`textfix.decode.candidate_gains`, the same prior
  and tells), on their curated candidates;
- the thesaurus sample's evidence can only add to the log-likelihood ratio (a table's rate
  estimate is never below 0, its ratio never below 1) and to the density of suspicious phrases,
  which scales the rest: so the verdict without it stands when it is sure to be spun (score at
  least ``1 - DECIDED``), or sure to be clean even at full density (``dense_score`` at most
  ``DECIDED``); otherwise the document is scored by the full pass (``pipeline._full_score``).
  (Scoring the thesaurus sample here instead was tried: its sample of 40 of ~100 words is not the
  full pass's when a word's region differs, and on the real dominant-family pages, held out by
  site, 162-164 of 172 were flagged against the full pass's 165.)

The scan reads words as ``re`` splits them (``\\w+`` runs joined by apostrophes, punctuation marks
and paragraph breaks), a name as a capitalised word that does not begin a sentence, and a quote as
what stands between quotation marks, which is close to :mod:`textfix.tokens` but not the same: its
scores differ a little from the full pass's, and ``explain().spin_score`` (the restoring pass's
evidence) stays the full one, except for a text the scan is sure is clean even at full density
(``pipeline._surely_clean``): that one comes back from ``explain`` and ``restore`` with the scan's
score and no edit, the full pass being sure to make none. The scan against the full pass:
``benchmarks/scan.py``, and benchmarks/RESULTS.md, "Speed (issue 14)".
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left
from itertools import accumulate
from typing import NamedTuple

from .config import Config
from .decode import DISCOUNTED, FREQ_DISCOUNT, LENGTH_COST, Chunk, Match, _cand_info, article_logodds, candidate_gains
from .detect import Evidence, Site, evaluate
from .scoring import FLAG_BOS, FLAG_CHUNK, FLAG_NAME, FLAG_QUOTE, FLAG_WORD, Scorer, _fastlm_module, get_scorer
from .tables import lexicon

__all__ = ["scan_score", "scan_evidence", "decided", "usable", "DECIDED"]

#: the verdict without the thesaurus sample stands when its score is at least 1 - DECIDED, or its
#: score at full density at most DECIDED. The one value tried, 0.01 (measured with
#: benchmarks/scan.py, benchmarks/RESULTS.md "Speed (issue 14)"): no verdict differed from the full
#: pass's on the BBC sample, the real pages or the non-news texts (scores within 0.01 but for one
#: text), and the scan alone decided 66% of the spun and 96% of the clean BBC articles
DECIDED = 0.01
#: an experiment's switch, off by default (None): a spin score without the thesaurus sample of at
#: least SURE_SPUN stands as the text's spin_score (its verdict, spun, cannot change: the sample only
#: adds evidence), so the scan decides most spun texts alone, but the score it returns is then the
#: evidence without the sample, up to ~0.3 below the full pass's (0.70 for 0.998). Measured at 0.5
#: and 0.8 (benchmarks/scan.py --sure-spun, benchmarks/RESULTS.md "Speed (issue 14)": no verdict
#: differed, AUC unchanged); left off because ``--threshold`` users above 0.5 would see other texts
SURE_SPUN: float | None = None
#: words, paragraph breaks (a blank line) and punctuation marks, as the scan reads them (``re``:
#: its ``\w`` is ``str.isalnum`` or "_", what the fluency loop takes for a word); a single line
#: break is a space, as in textfix.tokens (hard-wrapped text)
TOKEN = re.compile(r"\w+(?:['’]\w+)*|\n[^\S\n]*\n|[^\w\s]")
_SENTENCE_END = frozenset(".!?…\n")


class _Tok(NamedTuple):
    """What candidate_gains and the article tell read of a token."""

    norm: str
    joined_prev: bool
    cap: bool


class _Tokens:
    """The scan's tokens as candidate_gains indexes them (built only where a site is)."""

    __slots__ = ("toks", "lows", "flags")

    def __init__(self, toks: list[str], lows: list[str], flags: bytes) -> None:
        self.toks, self.lows, self.flags = toks, lows, flags

    def __getitem__(self, k: int) -> _Tok:
        return _Tok(self.lows[k], not self.flags[k] & FLAG_CHUNK, self.toks[k][0].isupper())


class _Curated:
    """The spun phrases of the curated tables in use whose evidence counts (see
    pipeline._evidence_candidates: not thesaurus-only, not a weak family row alone), " w1 w2" ->
    (the words, their curated candidates), and two ways to find them among the scan's words, each
    built on first use: an index for the compiled ``_fastlm.phrases`` (first word -> ((the other
    words), (number of words, the words, the candidates)), ...), and an Aho-Corasick automaton
    (pyahocorasick) over the words joined by spaces for the pure-Python path (" w1 w2 " -> (its
    length, number of words, the words, the candidates))."""

    def __init__(self, phrases: dict[str, tuple]) -> None:
        self.phrases = phrases
        self._index: dict | None = None
        self._automaton: object | None = None

    @property
    def index(self) -> dict:
        if self._index is None:
            index: dict[str, list] = {}
            for spun, cands in self.phrases.values():
                index.setdefault(spun[0], []).append((spun[1:], (len(spun), spun, cands)))
            self._index = {w: tuple(v) for w, v in index.items()}
        return self._index

    @property
    def automaton(self) -> object:
        if self._automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for phrase, (spun, cands) in self.phrases.items():
                key = f" {phrase} "
                automaton.add_word(key, (len(key), len(spun), spun, cands))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton


@functools.lru_cache(maxsize=8)
def _curated(tables: tuple[str, ...]) -> _Curated | None:
    from .pipeline import _evidence_candidates

    lex = lexicon(tables)
    curated = [t for t in lex.tables if t.name not in DISCOUNTED]
    if not curated:
        return None

    # a phrase is judged on its curated candidates only (the thesaurus's could only raise its
    # gain): those of the curated tables merged alone, unless a thesaurus comes first in the
    # lexicon (then it may have taken some of their originals, as Lexicon.lookup merges)
    kinds = [t.name in DISCOUNTED for t in lex.tables]
    own = lexicon(tuple(t.name for t in curated)) if kinds == sorted(kinds) else lex
    phrases: dict[str, tuple] = {}
    for t in curated:
        for phrase in t._packed:
            spun = tuple(phrase.split(" "))
            cands = tuple(ct for ct in _evidence_candidates(own.lookup(spun)) if ct[1] not in DISCOUNTED)
            if cands and not (len(spun) == 1 and phrase.isdigit()):  # no number alone (find_matches)
                phrases[phrase] = (spun, cands)
    return _Curated(phrases)


def _matches(cur: _Curated, lows: list[str], compiled: bool) -> list[Match]:
    """Every occurrence of a curated phrase among the scan's words (a punctuation mark is a word
    too, so no phrase spans one), in no particular order; by ``_fastlm.phrases`` on the compiled
    path, by an Aho-Corasick pass over the words joined by spaces on the pure-Python one."""
    fast = _fastlm_module() if compiled else None
    if fast is not None:
        return [Match(i, i + n_words, spun, cands) for i, (n_words, spun, cands) in fast.phrases(lows, cur.index)]
    matches: list[Match] = []
    size = len(lows)
    starts = list(accumulate([len(w) + 1 for w in lows], initial=1))
    for end, (width, n_words, spun, cands) in cur.automaton.iter(" " + " ".join(lows) + " "):
        i = bisect_left(starts, end - width + 2)
        if i < size and starts[i] == end - width + 2:  # not a space inside a paragraph break
            matches.append(Match(i, i + n_words, spun, cands))
    return matches


def usable(cfg: Config) -> bool:
    """Can the scan judge a text under ``cfg``? (Not for science papers, whose tortured-phrase
    evidence it does not compute, nor without a curated table.)"""
    return cfg.science is not True and _curated(cfg.tables) is not None


def scan_score(text: str, cfg: Config) -> float | None:
    """The scan's spin score of ``text`` (read already: look-alike letters mapped), or None when
    the scan is not sure (the full pass decides) or the text reads as a science paper."""
    ev = scan_evidence(text, cfg)
    return ev.score if ev is not None and decided(ev) else None


def decided(ev: Evidence, verdict: str = "score") -> bool:
    """Is the scan's evidence sure of its ``verdict`` (``"score"``, or ``"edit_score"`` for a long
    text's parts)? The thesaurus sample can only raise the evidence: its tables' ratios are at
    least 1, and its suspicious phrases make the rest count more (the density): sure to be spun
    is sure, and sure to be clean is sure when it would stay so at full density."""
    score = getattr(ev, verdict)
    if score >= 1.0 - DECIDED or getattr(ev, "dense_" + verdict) <= DECIDED:
        return True
    return SURE_SPUN is not None and verdict == "score" and score >= SURE_SPUN


def scan_evidence(text: str, cfg: Config) -> Evidence | None:
    """The scan's :class:`~textfix.detect.Evidence` of ``text`` (read already: look-alike letters
    mapped), or None for a science paper; see :func:`decided`."""
    from .pipeline import CONTENT_WORD_MAX_LOGP, OOV_FOREIGN, OOV_NEWS, _log_weights, _longest_first

    cur = _curated(cfg.tables)
    if cur is None:
        return None
    scorer: Scorer = get_scorer(cfg.scorer)
    toks, lows, vocab, alpha, n, total, words, oov, n_body, n_quote, n_name, flags = scorer.scan(
        text, CONTENT_WORD_MAX_LOGP, "<s>", cfg.science is None)
    if alpha is not None:
        from .science import is_science_words

        if is_science_words(alpha):
            return None
    share = oov / words if words else 0.0
    in_domain = min(1.0, max(0.0, (OOV_FOREIGN - share) / (OOV_FOREIGN - OOV_NEWS)))
    fluency = (n * in_domain, total / n if n else 0.0)

    # the curated tables' matches, as find_matches finds them (no number alone, no phrase across
    # punctuation), with every table's candidates; without the weak family rows (the evidence's view)
    compiled = getattr(scorer, "compiled", False)
    matches = _matches(cur, lows, compiled)
    fast = scorer._fast if compiled else None
    size = len(lows)

    def region(i: int, j: int) -> str:
        f = 0
        for k in range(i, j):
            f |= flags[k]
        return "name" if f & FLAG_NAME else "quote" if f & FLAG_QUOTE else "body"

    firsts_: dict[tuple, Match] = {}
    occurrences: dict[tuple, int] = {}
    for m in _longest_first(matches):
        key = (m.spun, region(m.i, m.j))
        firsts_.setdefault(key, m)
        occurrences[key] = occurrences.get(key, 0) + 1
    tokens = _Tokens(toks, lows, flags)

    def site(m: Match, reg: str, occ: int) -> Site:
        """_Doc._site, on the scan's tokens"""
        start = m.i
        while not flags[start] & FLAG_CHUNK:
            start -= 1
        end = m.j
        while end < size and flags[end] & FLAG_WORD and not flags[end] & FLAG_CHUNK:
            end += 1
        chunk = Chunk(start, end, bool(flags[start] & FLAG_BOS), end >= size or lows[end][0] in _SENTENCE_END)
        gains = candidate_gains(scorer, tokens, chunk, m, vocab)
        weighted = [g + w for g, w in zip(gains, _log_weights(m.candidates, None, m.spun))]
        article_tell = m.i > 0 and not toks[m.i][0].isupper() and lows[m.i - 1] in ("a", "an") \
            and not flags[m.i] & FLAG_CHUNK and any(article_logodds(tokens, m, c) > 0 for c, _ in m.candidates)
        multi = len(m.spun) > 1 and any(t not in DISCOUNTED for _, t in m.candidates)
        return Site(m, max(weighted), reg, multi, article_tell, m.candidates[0][1], 1.0, occ)

    if fast is None:
        sites = [site(m, reg, occurrences[(spun, reg)]) for (spun, reg), m in firsts_.items()]
    else:
        # the same sites with their gains from one C call (_fastlm.LM.best_gains: site()'s chunk,
        # candidate_gains and the best weighted candidate, in the same operations)
        specs = []
        tells = []
        for m in firsts_.values():
            cands = m.candidates
            forms, unis = _cand_info(scorer, cands, len(cands))
            i = m.i
            arts = None
            if i > 0 and lows[i - 1] in ("a", "an") and not flags[i] & FLAG_CHUNK:
                arts = [article_logodds(tokens, m, c) for c, _ in cands]
            tells.append(arts is not None and not toks[i][0].isupper() and any(a > 0 for a in arts))
            specs.append((i, m.j, forms, unis, _log_weights(cands, None, m.spun), arts))
        best = fast.best_gains(vocab, flags, lows, specs, "<s>", LENGTH_COST, FREQ_DISCOUNT)
        sites = [Site(m, g, reg, len(m.spun) > 1 and any(t not in DISCOUNTED for _, t in m.candidates), tell,
                      m.candidates[0][1], 1.0, occurrences[key])
                 for (key, m), g, tell, reg in zip(firsts_.items(), best, tells, (k[1] for k in firsts_))]
    return evaluate(text, n_body, n_quote, n_name, sites, adaptive=False, fluency=fluency)
