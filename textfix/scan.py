"""spin_score's fast path (issue 14): the document evidence in one pass, without the thesaurus.

``spin_score`` weighs a document's evidence (:func:`textfix.detect.evaluate`): the language
model's verdict on every match of the curated tables (``phrases``, ``family``), on an even sample
of up to 40 thesaurus matches, the tells, and the fluency of the body's content words. Most of its
time goes into building a :class:`~textfix.tokens.Token` per word and into the thesaurus sample
(every word of news is in the thesaurus). The scan computes the same evidence from a plain
``regex`` tokenisation, with the fluency loop in compiled code (``_fastlm.LM.fluency``; the same
loop in Python, ``Scorer.fluency``, without it), and *without the thesaurus sample*:

- the curated matches, looked for only at the words that begin one (a set look-up per word), are
  scored as ``spin_score`` scores them (:func:`textfix.decode.candidate_gains`, the same prior and
  tells), with their candidates from every table in use;
- the thesaurus sample's evidence can only add to the log-likelihood ratio (a table's rate
  estimate is never below 0, its ratio never below 1) and to the density of suspicious phrases,
  so leaving it out makes the scan's verdict lean to clean: when the scan is sure either way
  (score at most ``DECIDED`` or at least ``1 - DECIDED``), that is the score; in between, the
  document is scored in full (:func:`textfix.pipeline.score_document`).

The scan reads words as ``regex`` splits them (``\\w+`` runs joined by apostrophes, punctuation
marks and line breaks), a name as a capitalised word that does not begin a sentence, and a quote
as what stands between quotation marks, which is close to :mod:`textfix.tokens` but not the same:
its scores differ a little from the full pass's, and ``explain().spin_score`` (the restoring
pass's evidence) stays the full one. Accuracy of the scan against the full score:
benchmarks/RESULTS.md, "Speed (issue 14)".
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left
from itertools import accumulate, compress, repeat
from typing import NamedTuple

from .config import Config
from .decode import DISCOUNTED, Chunk, Match, article_logodds, candidate_gains
from .detect import Evidence, Site, evaluate
from .scoring import FLAG_ALPHA, FLAG_BOS, FLAG_CHUNK, FLAG_NAME, FLAG_QUOTE, FLAG_WORD, Scorer, get_scorer
from .tables import Lexicon, lexicon

__all__ = ["scan_score", "scan_evidence", "DECIDED"]

#: the scan's verdict stands when its score is at most DECIDED or at least 1 - DECIDED; between the
#: two the document is scored in full. Measured on the BBC sample (300 articles spun with MyThes
#: and 300 clean), the real spun pages and the clean non-news texts (benchmarks/RESULTS.md, "Speed
#: (issue 14)"): see there for the share of documents decided and the verdicts that changed
DECIDED = 0.01
#: words, paragraph breaks (a blank line) and punctuation marks, as the scan reads them (``re``:
#: its ``\w`` is ``str.isalnum`` or "_", what the fluency loop takes for a word); a single line
#: break is a space, as in textfix.tokens (hard-wrapped text)
TOKEN = re.compile(r"\w+(?:['’]\w+)*|\n[^\S\n]*\n|[^\w\s]")
_UNSEEN = object()
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


class _Curated(NamedTuple):
    """An Aho-Corasick automaton (pyahocorasick) of the spun phrases of the curated tables in use
    whose evidence counts (see pipeline._evidence_candidates: not thesaurus-only, not a weak family
    row alone), as " w1 w2 " -> (its length, its number of words, the words, their curated
    candidates); and the thesaurus-only words."""

    automaton: object
    thesaurus: _ThesaurusOnly | None


class _ThesaurusOnly:
    """word -> its candidates (every table's, as the evidence sees them) when they all come from
    the thesaurus, else None; memoised (bounded, like the lexicon's cache)."""

    def __init__(self, lex: Lexicon, packed: dict[str, str]) -> None:
        self.lex, self.packed = lex, packed
        self._memo: dict[str, tuple | None] = {}

    def __call__(self, word: str) -> tuple | None:
        try:
            return self._memo[word]
        except KeyError:
            pass
        from .pipeline import _evidence_candidates, _thesaurus_only

        cands = _evidence_candidates(self.lex.lookup((word,)))
        out = cands if cands and _thesaurus_only(cands) else None
        if len(self._memo) > 50_000:
            self._memo.clear()
        self._memo[word] = out
        return out


@functools.lru_cache(maxsize=8)
def _curated(tables: tuple[str, ...]) -> _Curated | None:
    from .pipeline import _evidence_candidates

    lex = lexicon(tables)
    curated = [t for t in lex.tables if t.name not in DISCOUNTED]
    if not curated:
        return None
    import ahocorasick

    # a phrase is judged on its curated candidates only (the thesaurus's could only raise its
    # gain): those of the curated tables merged alone, unless a thesaurus comes first in the
    # lexicon (then it may have taken some of their originals, as Lexicon.lookup merges)
    kinds = [t.name in DISCOUNTED for t in lex.tables]
    own = lexicon(tuple(t.name for t in curated)) if kinds == sorted(kinds) else lex
    automaton = ahocorasick.Automaton()
    for t in curated:
        for phrase in t._packed:
            spun = tuple(phrase.split(" "))
            cands = tuple(ct for ct in _evidence_candidates(own.lookup(spun)) if ct[1] not in DISCOUNTED)
            if cands and not (len(spun) == 1 and phrase.isdigit()):  # no number alone (find_matches)
                key = f" {phrase} "
                automaton.add_word(key, (len(key), len(spun), spun, cands))
    automaton.make_automaton()
    thes = [t for t in lex.tables if t.name in DISCOUNTED and t.max_len == 1]
    return _Curated(automaton, _ThesaurusOnly(lex, thes[0]._packed) if len(thes) == 1 else None)


def usable(cfg: Config) -> bool:
    """Can the scan judge a text under ``cfg``? (Not for science papers, whose tortured-phrase
    evidence it does not compute, nor without a curated table.)"""
    return cfg.science is not True and _curated(cfg.tables) is not None


def scan_score(text: str, cfg: Config) -> float | None:
    """The scan's spin score of ``text`` (read already: look-alike letters mapped), or None when
    the text reads as a science paper."""
    ev = scan_evidence(text, cfg)
    return None if ev is None else ev.score


def scan_evidence(text: str, cfg: Config, sample_sites: int | None = None, verdict: str = "score"
                  ) -> Evidence | None:
    """The scan's :class:`~textfix.detect.Evidence` of ``text``, or None for a science paper.
    The thesaurus sample (``sample_sites`` matches, default pipeline.SAMPLE_SITES) is scored only
    when the evidence's ``verdict`` (``"score"``, or ``"edit_score"`` for a long text's parts) is
    between DECIDED and 1 - DECIDED without it."""
    from .pipeline import CONTENT_WORD_MAX_LOGP, OOV_FOREIGN, OOV_NEWS, _log_weights, _longest_first

    cur = _curated(cfg.tables)
    if cur is None:
        return None
    toks = TOKEN.findall(text)
    lows = list(map(str.lower, toks))
    if "’" in text:
        lows = [w.replace("’", "'") if "’" in w else w for w in lows]
    scorer: Scorer = get_scorer(cfg.scorer)
    known, vf = scorer._known, scorer.vocab_form
    vocab = list(map(known.get, lows, repeat(_UNSEEN, len(lows))))
    if vocab.count(_UNSEEN):
        for k in [k for k, v in enumerate(vocab) if v is _UNSEEN]:
            vocab[k] = vf(lows[k])
    n, total, words, oov, n_body, n_quote, n_name, flags = scorer.fluency(toks, vocab, CONTENT_WORD_MAX_LOGP, "<s>")
    if cfg.science is None:
        from .science import is_science_words

        if is_science_words([w for w, f in zip(lows, flags) if f & FLAG_ALPHA]):
            return None
    share = oov / words if words else 0.0
    in_domain = min(1.0, max(0.0, (OOV_FOREIGN - share) / (OOV_FOREIGN - OOV_NEWS)))
    fluency = (n * in_domain, total / n if n else 0.0)

    # the curated tables' matches, as find_matches finds them (no number alone, no phrase across
    # punctuation), with every table's candidates; without the weak family rows (the evidence's view)
    matches: list[Match] = []
    size = len(lows)
    # every occurrence of every phrase at once: an Aho-Corasick automaton over the words joined by
    # spaces (a punctuation mark is a token too, so no phrase spans one)
    starts = list(accumulate([len(w) + 1 for w in lows], initial=1))
    for end, (width, n_words, spun, cands) in cur.automaton.iter(" " + " ".join(lows) + " "):
        i = bisect_left(starts, end - width + 2)
        if i < size and starts[i] == end - width + 2:  # not a space inside a paragraph break
            matches.append(Match(i, i + n_words, spun, cands))

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

    def site(m: Match, reg: str, stands_for: float, occ: int, n: int | None = None) -> Site:
        """_Doc._site, on the scan's tokens"""
        start = m.i
        while not flags[start] & FLAG_CHUNK:
            start -= 1
        end = m.j
        while end < size and flags[end] & FLAG_WORD and not flags[end] & FLAG_CHUNK:
            end += 1
        chunk = Chunk(start, end, bool(flags[start] & FLAG_BOS), end >= size or lows[end][0] in _SENTENCE_END)
        gains = candidate_gains(scorer, tokens, chunk, m, vocab, None, n)
        weighted = [g + w for g, w in zip(gains, _log_weights(m.candidates, None, m.spun))]
        if n is not None:
            m = Match(m.i, m.j, m.spun, m.candidates[:n])
        article_tell = m.i > 0 and not toks[m.i][0].isupper() and lows[m.i - 1] in ("a", "an") \
            and not flags[m.i] & FLAG_CHUNK and any(article_logodds(tokens, m, c) > 0 for c, _ in m.candidates)
        multi = len(m.spun) > 1 and any(t not in DISCOUNTED for _, t in m.candidates)
        return Site(m, max(weighted), reg, multi, article_tell, m.candidates[0][1], stands_for, occ)

    sites = [site(m, reg, 1.0, occurrences[(spun, reg)]) for (spun, reg), m in firsts_.items()]
    ev = evaluate(text, n_body, n_quote, n_name, sites, adaptive=False, fluency=fluency)
    if not DECIDED < getattr(ev, verdict) < 1.0 - DECIDED or cur.thesaurus is None:
        return ev
    # not sure: add the even sample of thesaurus-only matches that _Doc scores (SAMPLE_SITES of
    # them, each on its EVIDENCE_CANDIDATES likeliest originals, standing for its share)
    from .pipeline import EVIDENCE_CANDIDATES, MAX_STANDS_FOR, SAMPLE_SITES

    if sample_sites is None:
        sample_sites = SAMPLE_SITES

    thes_only, covered = cur.thesaurus, set()
    for m in matches:
        covered.update(range(m.i, m.j))
    thes: dict[tuple, Match] = {}
    t_occ: dict[tuple, int] = {}
    for i in compress(range(size), map(thes_only.packed.__contains__, lows)):
        w = lows[i]
        if i in covered or not flags[i] & FLAG_WORD or w.isdigit():
            continue
        cands = thes_only(w)
        if cands is None:
            continue
        key = ((w,), region(i, i + 1))
        if key not in thes:
            thes[key] = Match(i, i + 1, (w,), cands)
        t_occ[key] = t_occ.get(key, 0) + 1
    firsts_t = list(thes.items())
    step = max(1.0, len(firsts_t) / sample_sites)
    weight = min(step, MAX_STANDS_FOR)
    for k in range(min(len(firsts_t), sample_sites)):
        key, m = firsts_t[int(k * step)]
        sites.append(site(m, key[1], weight, t_occ[key], EVIDENCE_CANDIDATES))
    return evaluate(text, n_body, n_quote, n_name, sites, adaptive=False, fluency=fluency)
