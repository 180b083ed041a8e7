"""The spinner as a noisy channel, estimated from the text at hand: counts in, a Profile out.

A dictionary spinner replaces each original word ``o`` of its dictionary by an output ``s``,
the same dictionary on every page. Two things give it away, and both add up over a folder:

- **counts**: an original it replaces all but vanishes from the body text (outside quotes and
  names), while clean text of that length would have ``E(o) = words x P_wordfreq(o)`` of it; its
  output turns up far more often than its own expectation ``E(s)``;
- **contexts**: in the places where ``s`` stands, the language model prefers ``o``.

For each spun word ``s`` the hypotheses "``s`` is native" and "``s`` is the spinner's output for
``o``" (one per candidate ``o``) are weighed by Bayes' rule::

    log10 odds(o -> s) = log10 prior(source) + A_missing(o) + sum over contexts of T * gain(o vs s)

with ``A_missing`` the log10 likelihood ratio of ``o``'s body count under "in the dictionary"
(Poisson with survival rate ``eps``) against "normal" (negative binomial around ``E(o)``, whose
dispersion is estimated from the text), and each source's prior (shipped tables, words found by
context alone) estimated by EM as the share of its pairs that hold. The entry's weight is that
belief times the share of ``s``'s occurrences in excess of its own expectation.

Statistics are mergeable (:class:`Counts` add up), so one machine, Dask or Spark learn alike: a
map of ``Counts.add`` per partition, a reduce of ``+``, :func:`estimate` on the driver.
"""
from __future__ import annotations

import math
from collections import Counter
from sys import intern
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .profile import ANY, Entry, Profile

__all__ = ["Counts", "estimate", "learn_texts", "SOURCES"]

#: the fewest documents from which textfix clean / scan learn a profile by default: clean BBC
#: articles learned and cleaned in groups of 2 had 0.35% of their words changed, of 5 0.09%, of
#: 10 and of 30 none (benchmarks/RESULTS.md)
LEARN_MIN_TEXTS = 10
#: ... and body words (ten one-line items of our own, 150 words, learned "company -> club")
LEARN_MIN_WORDS = 2_000
#: below this many body words nothing is learned: in a few hundred words every repeated word is
#: "in excess" of its expectation (two short clean texts of our own, 260 words, learned would ->
#: will); the two seed articles (1,538 words) learn mentioned -> said
MIN_WORDS = 1_000
#: a spun word seen once is no entry: a dictionary shows itself by repeating (one occurrence is
#: as likely chance, and its single context says little)
MIN_SEEN = 2
#: candidate sources: the shipped tables (curated phrases, the family's table, the Moby reverse
#: thesaurus), the Debian thesauri when installed (MyThes, WordNet: textfix.thesauri) and words
#: found by context alone (a missing original whose contexts the spun word's contexts fit)
SOURCES = ("phrases", "family", "moby", "mythes", "wordnet", "context")
#: the sources used unless named: words found by context alone are not among them (measured on
#: 300 clean BBC articles: 876 context-only pairs learned, none of them real), nor the Debian
#: thesauri: on the real pages (benchmarks/real.py --learn, each site restored with a profile
#: learned from the other sites' pages) they took removal from 35.6% to 32.1% (new errors 0.51% ->
#: 0.50%); on synthetic spinners they add reach (benchmarks/RESULTS.md, issue 10): name them
DEFAULT_SOURCES = ("phrases", "family", "moby")
#: the sources read from a shipped table (source -> table), and from an installed thesaurus
_TABLE_SOURCES = {"phrases": "phrases", "family": "family", "moby": "thesaurus"}
_THESAURUS_SOURCES = ("mythes", "wordnet")
#: contexts kept per word (the first ones seen): enough to judge a pair, bounded memory
CONTEXTS = 12
#: per-document word counts kept for estimating the share of spun texts (a sample of a crawl)
DOC_SAMPLE = 2_000
#: a context's LM gain is tempered and clipped before it counts (an n-gram model is
#: overconfident about single words; the same TEMPER/GAIN_CLIP as the document evidence)
TEMPER, GAIN_CLIP = 0.5, 3.0
#: share of the unigram frequency difference taken out of a gain (decode.FREQ_DISCOUNT)
FREQ_DISCOUNT = 0.7
#: the missing-count evidence for one original is clipped to this range (log10): a word can be
#: rare in a folder for reasons of topic, and no count alone should settle a pair
MISSING_CLIP = (-4.0, 3.0)
#: originals found by context alone are looked for only among words at least this missing
#: (log10 likelihood ratio) and expected at least CONTEXT_MIN_EXPECTED times
CONTEXT_MIN_MISSING, CONTEXT_MIN_EXPECTED = 0.5, 1.0
#: ... and among spun words seen at least twice, per missing original the best CONTEXT_TOP by a
#: first quick look at one context
CONTEXT_MIN_SEEN, CONTEXT_TOP = 2, 6
#: the count model is fitted only when at least this many words are expected twice or more (about
#: 10,000 body words): on the two seed articles (1,538 words, 130 such words) the fit put 39% of
#: words in the dictionary with survival 0.5 and lost mentioned -> said
FIT_MIN_WORDS = 400
#: the count model is fitted on at most this many words (the commonest expected): enough for
#: three parameters, and the fit stays a second or two
POOL_WORDS = 3_000
#: how much worse an original's expectation may make a pair look for explaining the spun word's
#: excess (log10, see fit() in estimate): a topical word comes in bursts (9 "trip"s in one article
#: where wordfreq expects 0.12), which no count model over words captures. Measured: unclipped,
#: the two seed articles' own profile restored 304 of 398 words, at 2 317; without the term at
#: all, a profile learned from two clean articles rewrote them ("said" -> "announced")
FIT_CLIP = 2.0
#: survival rates of a dictionary word besides the fitted near-zero one (equal weights): the
#: spread seen on the seed articles, 0 to 0.5 by word
SURVIVALS = (0.1, 0.3)
#: a word seen capitalised mid-sentence more than this share of its expectation is a name here
NAME_SHARE = 0.2
#: prior probability that a candidate pair of each source is one of the spinner's, against
#: UNLISTED for "an original no source lists": curated phrases are known outputs of the common
#: spinner family; for Moby, the original is among the (up to 12) listed candidates for 32% of
#: a foreign spinner's one-word substitutions (100 MyThes-spun BBC articles: 2,211 of 6,847), so
#: 12 x 0.08 / 2 ~ 0.32 / 0.68 would match the coverage. Measured there, folder of 100 (restored
#: / wrong / untouched words changed): 0.02: 591 / 233 / 0.13%, 0.08: 879 / 439 / 0.29%, and with
#: phrase rewrites, 300 articles (benchmarks/learn.py): 0.08 made wrong restorations 4.1% -> 7.0%
#: of the substitutions for 18.6% -> 27.3% removed. The context evidence is over-confident (a
#: trigram model), so the prior stays at the more cautious 0.02: a wrong fix is worse than a miss
#: The Debian thesauri list six times as many candidates a word as the pruned Moby table (over the
#: 3,000 commonest words of 100 BBC articles: 68 MyThes and 66 WordNet candidates a listed word,
#: 11 Moby ones), so each of their pairs gets Moby's prior x 11/68 and 11/66: the same prior mass a
#: word. Measured (benchmarks/learn.py, 300-article folders, spinner's own thesaurus held out,
#: removed / wrong / untouched words changed): at 0.02 for both, mythes-r0.2-fixed 35.9 / 5.6 /
#: 0.62%, moby-r0.2-fixed 12.3 / 3.6 / 0.33%; at these, 34.6 / 6.2 / 0.50% and 16.5 / 4.3 / 0.36%
SOURCE_PRIOR = {"phrases": 0.3, "family": 0.3, "moby": 0.02, "mythes": 0.0033, "wordnet": 0.0034, "context": 0.002}
#: words seen NATIVE[0]..NATIVE[1] times their expectation are taken as native, and the gains
#: of their candidates in (up to) NULL_CONTEXTS of their contexts show what a gain is worth
NATIVE, NULL_CONTEXTS = (0.5, 1.5), 3_000
#: the context evidence of one pair is clipped to +-CTX_CLIP (log10): its contexts are not
#: independent (one topic, one site), and a trigram model's errors repeat
CTX_CLIP = 4.0
#: prior odds that a spun word's original is one no candidate source lists, against each
#: listed candidate's prior: the shipped Moby table links only about a third of a foreign
#: spinner's output/original pairs (measured in ../shared/notes/resources.md and issue 10)
UNLISTED = 2.0
#: the count evidence that a spun word is inflated over its expectation is clipped (log10)
EXCESS_CLIP = 6.0
#: pairs the model itself doubts (native or unlisted more likely) are not kept: measured on 100
#: MyThes-spun BBC articles without phrase rewrites, restorations from pairs of belief < 0.5 were
#: right 239 times and wrong 410 (belief >= 0.7: 424 right, 173 wrong); at 0.5 the folder got
#: 612 restored / 528 wrong, at 0.7 581 / 442
MIN_BELIEF = 0.7
#: an original's body count is written to the profile when its evidence is at least this
#: (log10 either way): weaker counts would not move a decision and only make the file long
RATE_MIN_LLR = 0.3
#: sources whose pairs the profile keeps a verdict on even when it does not adopt them (their
#: prior is high, so the text's evidence against a pair is worth saying)
CURATED = ("phrases", "family")
#: entries below this weight are not kept (they could not move a decision)
MIN_WEIGHT = 0.05
#: a word seen in excess of its expectation by this factor may be a spinner's output
MIN_EXCESS = 1.5


def _signature(w: str) -> str:
    """A rough inflection class: a spinner re-inflects, so an output ends like its original."""
    for suf in ("ing", "ed", "ly", "est", "er", "s"):
        if w.endswith(suf) and len(w) > len(suf) + 2 and not (suf == "s" and w.endswith("ss")):
            return suf
    return ""


@dataclass
class Counts:
    """Mergeable statistics of the body text of some texts (outside quotes and names)."""

    docs: int = 0
    words: int = 0
    counts: Counter = field(default_factory=Counter)
    contexts: dict[str, list[tuple]] = field(default_factory=dict)
    doc_counts: list[tuple[int, Counter]] = field(default_factory=list)
    names: Counter = field(default_factory=Counter)  # words seen capitalised mid-sentence

    def add(self, text: str) -> Counts:
        from .decode import chunks
        from .homoglyph import read
        from .tokens import tokenize

        text, _ = read(text)  # counted as read: look-alike letters back to Latin
        toks = tokenize(text)
        self.docs += 1
        here: Counter = Counter()
        names = self.names
        n = 0
        for ch in chunks(toks):
            for k in range(ch.start, ch.end):
                t = toks[k]
                if not t.is_word or t.fixed is not None or t.in_quote:
                    continue
                if t.name_like:
                    names[t.norm] += 1
                    continue
                w = intern(t.norm)
                here[w] += 1
                n += 1
                ctx = self.contexts.get(w)
                if ctx is None:
                    ctx = self.contexts[w] = []
                if len(ctx) < CONTEXTS:
                    # interned: a context outlives its text, and a folder's contexts share words
                    left = tuple(intern(toks[j].norm) for j in range(max(ch.start, k - 2), k))
                    right = tuple(intern(toks[j].norm) for j in range(k + 1, min(ch.end, k + 3)))
                    ctx.append((left, right, ch.bos and k - len(left) == ch.start,
                                ch.eos and k + 1 + len(right) == ch.end))
        self.words += n
        self.counts.update(here)
        if len(self.doc_counts) < DOC_SAMPLE:
            self.doc_counts.append((n, here))
        return self

    def __add__(self, other: Counts) -> Counts:
        out = Counts(self.docs + other.docs, self.words + other.words, self.counts + other.counts,
                     {w: list(c) for w, c in self.contexts.items()}, list(self.doc_counts),
                     self.names + other.names)
        for w, c in other.contexts.items():
            mine = out.contexts.setdefault(w, [])
            mine.extend(c[:max(0, CONTEXTS - len(mine))])
        out.doc_counts.extend(other.doc_counts[:max(0, DOC_SAMPLE - len(out.doc_counts))])
        return out


# -- count models -----------------------------------------------------------------------------
_LN10 = math.log(10.0)


def _nb_head(c: int, k: float) -> float:
    """The terms of a negative-binomial log probability that depend on the count alone:
    lgamma(c + k) - lgamma(k) - lgamma(c + 1) (a caller with many means for one count keeps it)."""
    return math.lgamma(c + k) - math.lgamma(k) - math.lgamma(c + 1)


def _nb_log_at(a: float, c: int, mean: float, k: float) -> float:
    """``_nb_log(c, mean, k)`` given ``a = _nb_head(c, k)`` (the same operations in the same order:
    the same float)."""
    return a + k * math.log(k / (k + mean)) + c * math.log(mean / (k + mean)) if mean > 0 else \
        (0.0 if c == 0 else -50.0)


def _nb_log(c: int, mean: float, k: float) -> float:
    """ln P(c) under a negative binomial of this mean and dispersion k (variance mean + mean^2/k)."""
    return _nb_log_at(_nb_head(c, k), c, mean, k)


def _pois_log(c: int, mean: float) -> float:
    mean = max(mean, 1e-9)
    return c * math.log(mean) - mean - math.lgamma(c + 1)


def _replaced_log(c: int, e: float, eps: float, k: float, a: float | None = None) -> float:
    """ln P(c) for a word of the spinner's dictionary expected ``e`` times in clean text. Its
    survival varies from word to word (on the seed articles the common family kept none of 13
    "said"s, 5 of 10 "war"s and most "in"s; a synthetic spinner keeps the ones it cannot reach,
    in hyphenated words), so survival is a mixture of eps (fitted) and SURVIVALS, each a negative
    binomial with the normal words' dispersion k. ``a``: ``_nb_head(c, k)``, if the caller has it."""
    a = _nb_head(c, k) if a is None else a
    terms = [_nb_log_at(a, c, max(sv * e, 1e-9), k) for sv in (eps, *SURVIVALS)]
    m = max(terms)
    return m + math.log(sum(math.exp(t - m) for t in terms) / len(terms))


def _missing(c: int, e: float, eps: float, k: float, a: float | None = None) -> float:
    """log10 LR of a body count ``c`` (expected ``e`` in clean text) under "the spinner replaces
    this word" against "normal" (negative binomial of mean e). ``a``: ``_nb_head(c, k)``, when
    the caller keeps it per count; the result is the same."""
    a = _nb_head(c, k) if a is None else a
    llr = (_replaced_log(c, e, eps, k, a) - _nb_log_at(a, c, e, k)) / _LN10
    return max(MISSING_CLIP[0], min(MISSING_CLIP[1], llr))


def _fit_counts(pairs: Sequence[tuple[int, float]]) -> tuple[float, float, float]:
    """(share of words in the dictionary, survival eps, dispersion k) by EM over words with their
    (count, expectation): a two-part mixture, "replaced" (see _replaced_log) or "normal"
    (negative binomial of mean E, k); k by the best likelihood on a grid."""
    import numpy as np

    cnt = np.array([c for c, _ in pairs], dtype=float)
    exp = np.array([e for _, e in pairs], dtype=float)
    lg1 = np.array([math.lgamma(x + 1.0) for x in cnt])

    def nb(mean: np.ndarray, k: float, lgk: np.ndarray) -> np.ndarray:
        mean = np.maximum(mean, 1e-9)
        return lgk - math.lgamma(k) - lg1 + k * np.log(k / (k + mean)) + cnt * np.log(mean / (k + mean))

    best = None
    for k in (0.5, 1.0, 2.0, 4.0):
        lgk = np.array([math.lgamma(x + k) for x in cnt])
        normal = nb(exp, k, lgk)
        fixed = [nb(sv * exp, k, lgk) for sv in SURVIVALS]
        pi, eps = 0.1, 0.05
        ll = -math.inf
        for it in range(16):
            first = nb(eps * exp, k, lgk)
            parts = np.stack([first, *fixed])
            mp = parts.max(axis=0)
            w = np.exp(parts - mp)
            repl = mp + np.log(w.mean(axis=0))
            a = math.log(pi) + repl
            b = math.log(1 - pi) + normal
            m = np.maximum(a, b)
            ea, eb = np.exp(a - m), np.exp(b - m)
            post = ea / (ea + eb)
            ll = float(np.sum(m + np.log(ea + eb)))
            if it == 15:
                break
            pi = min(0.5, max(1e-4, float(post.mean())))
            # eps from the words' share in the first (lowest-survival) part
            r0 = post * w[0] / w.sum(axis=0)
            eps = min(0.05, max(1e-3, float((r0 * cnt).sum() / max(1e-9, (r0 * exp).sum()))))
        if best is None or ll > best[0]:
            best = (ll, pi, eps, k)
    assert best is not None
    return best[1], best[2], best[3]


# -- estimation ----------------------------------------------------------------------------------
class _Context:
    """LM gains of an original in a spun word's contexts (the spun word's own score in each
    context computed once, however many originals are tried there)."""

    def __init__(self, scorer) -> None:  # noqa: ANN001
        self.sc = scorer
        self.vf = scorer.vocab_form
        self._spun: dict[tuple, tuple | None] = {}
        self._bases: dict[str, tuple[list[tuple], list[tuple | None]]] = {}

    def _setup(self, ctx: tuple, s: str) -> tuple | None:
        key = (id(ctx), s)
        hit = self._spun.get(key, False)
        if hit is not False and (hit is None or hit[0] is ctx):
            return None if hit is None else hit[1]
        left, right, bos, eos = ctx
        vf = self.vf
        sv = vf(s)
        out = None
        if sv is not None:
            lv = tuple(vf(w) for w in left)
            rv = tuple(vf(w) for w in right)
            p2, p1 = (None, "<s>") if bos and not lv else (None, None)
            if lv:
                p1 = lv[-1]
                p2 = lv[-2] if len(lv) > 1 else ("<s>" if bos else None)
            b, _, _ = self.sc.score((sv, *rv), p2, p1, eos)
            out = (p2, p1, rv, eos, b - FREQ_DISCOUNT * self.sc.unigram(sv))
        self._spun[key] = None if out is None else (ctx, out)
        return out

    def gains(self, ctxs: list[tuple], s: str, o: tuple[str, ...], limit: int | None = None) -> list[float]:
        """The gain of the original ``o`` over the spun word ``s`` (log10, the frequency discount
        taken out) in each of the (first ``limit``) contexts ``ctxs`` of ``s`` where the model
        knows the words, in order. The spun word's setup in its contexts is kept per word and set
        up only as far as asked; the original's forms and discount are computed once."""
        vf = self.vf
        ov = tuple(vf(w) for w in o)
        if any(w is None for w in ov):
            return []
        hit = self._bases.get(s)
        if hit is None or hit[0] is not ctxs:
            hit = self._bases[s] = (ctxs, [])
        want = len(ctxs) if limit is None else min(limit, len(ctxs))
        bases = hit[1]
        if len(bases) < want:  # set up as far as asked (the null gains look at 3 contexts of a word)
            bases.extend(self._setup(ctx, s) for ctx in ctxs[len(bases):want])
        sc = self.sc
        uni = sc.unigram
        pen = FREQ_DISCOUNT * sum(uni(w) for w in ov)
        score = sc.score
        out = []
        for base in (bases if want == len(bases) else bases[:want]):
            if base is None:
                continue
            p2, p1, rv, eos, b = base
            a, _, _ = score((*ov, *rv), p2, p1, eos)
            out.append(a - pen - b)
        return out


def _candidates(s: str, sources: Sequence[str]) -> list[tuple[tuple[str, ...], str]]:
    from .tables import load_table

    out: list[tuple[tuple[str, ...], str]] = []
    have: set[tuple[str, ...]] = set()
    for src, table in _TABLE_SOURCES.items():
        if src not in sources:
            continue
        for c in load_table(table).get((s,)):
            if c.words not in have and len(c.words) <= 2:
                have.add(c.words)
                out.append((c.words, src))
    for src in _THESAURUS_SOURCES:
        if src in sources:
            from .thesauri import originals

            for o in originals(s, src):
                if (o,) not in have:
                    have.add((o,))
                    out.append(((o,), src))
    return out


def _warn_missing_thesauri(sources: Sequence[str]) -> None:
    """A named thesaurus that is not installed gives no candidates: say so once, with the fix."""
    from .thesauri import missing_note

    for s in sources:
        note = missing_note(s) if s in _THESAURUS_SOURCES and s not in _WARNED else None
        if note:
            _WARNED.add(s)
            import warnings

            warnings.warn(f"candidate source {s!r} is not installed, so it proposes nothing: {note}",
                          RuntimeWarning, stacklevel=3)


_WARNED: set[str] = set()


def estimate(counts: Counts, *, prior: Profile | None = None, sources: Sequence[str] | None = None,
             scorer: str = "trigram", pair_gains: Callable[..., list[list[float]]] | None = None) -> Profile:
    """The spinner model that best explains ``counts`` (see the module docstring).

    ``pair_gains`` (optional): how the per-pair part, about two thirds of the estimate (the LM
    gains of each candidate pair's original in its spun word's contexts), is computed elsewhere:
    called as ``pair_gains(pairs, here, costs)`` with the candidate pairs ``(spun, original)`` in
    order, ``here(part)``, which computes a sublist of them in this process, and each pair's cost,
    about (1 + the spun word's contexts, the LM calls it takes); it returns every pair's
    gains, in order, or a function that returns them when called: the estimate does what needs
    no gains before it calls it (parts on a cluster's workers with :func:`pair_gains_of` while
    this process does the rest: :func:`textfix.dask.learn`). The gains are the same floats wherever computed, so
    the profile is the same."""
    from wordfreq import word_frequency

    from .scoring import get_scorer

    sources = tuple(DEFAULT_SOURCES if sources is None else sources)
    for s in sources:
        if s not in SOURCES:
            raise ValueError(f"unknown candidate source {s!r}; choose from {', '.join(SOURCES)}")
    _warn_missing_thesauri(sources)
    N = counts.words
    c = counts.counts
    if N < MIN_WORDS:
        meta = _meta(counts, sources)
        meta["note"] = f"fewer than {MIN_WORDS:,} body words: nothing learned"
        return Profile([], 0.0, 0.02, meta)
    sc = get_scorer(scorer)
    ctxm = _Context(sc)
    freq: dict[str, float] = {}

    def E(w: str) -> float:
        f = freq.get(w)
        if f is None:
            f = freq[w] = word_frequency(w, "en")
        return N * f

    # 1. the count model, fitted on the words clean text of this length would show at least twice
    pool = [(c.get(w, 0), E(w)) for w in _expected_words(N)]
    pool = [(x, e) for x, e in pool if e >= 2.0]
    if len(pool) >= FIT_MIN_WORDS:
        pi, eps, k = _fit_counts(pool[:POOL_WORDS])
    else:
        # too little text to fit: the dispersion fitted on 100-300 BBC articles (0.5, spun or
        # clean: news is far from wordfreq's mix for many words, "said" five times over)
        pi, eps, k = 0.05, 0.01, 0.5

    lgk: dict[int, float] = {}  # a count's lgamma terms under the fitted dispersion

    missing_memo: dict[str, float] = {}  # an original's evidence is asked for once per pair

    def missing(o: tuple[str, ...]) -> float:
        if len(o) != 1:
            return 0.0
        x = missing_memo.get(o[0])
        if x is None:
            x = missing_memo[o[0]] = missing_of(o[0])
        return x

    def missing_of(w: str) -> float:
        e = E(w)
        # a word this text uses as a name ("York", "Mr") is not expected in lower case at
        # wordfreq's rate, which counts every case
        if e <= 0 or counts.names.get(w, 0) > NAME_SHARE * e:
            return 0.0
        n = c.get(w, 0)
        a = lgk.get(n)
        if a is None:
            a = lgk[n] = _nb_head(n, k)
        return _missing(n, e, eps, k, a)

    def fit(s: str, o: tuple[str, ...]) -> float:
        """log10: how much worse the original's expectation explains the spun word's excess
        than the best expectation would (0 when it is at least as large: an original may be
        spread over several outputs)."""
        x = max(0, round(c[s] - E(s)))
        eo = E(o[0]) if len(o) == 1 else 0.0
        if len(o) != 1 or eo >= x or x == 0:
            return 0.0
        return max(-FIT_CLIP, (_nb_log(x, max(eo, 1e-3), k) - _nb_log(x, float(x), k)) / _LN10)

    # 2. candidate pairs: spun words in excess of their expectation, with originals from the
    #    sources, and (context) originals that are missing, of the same inflection class
    inflated = {s: n for s, n in c.items() if n >= 1 and n >= MIN_EXCESS * E(s)}
    pairs: dict[tuple[str, tuple[str, ...]], str] = {}
    for s in inflated:
        for o, src in _candidates(s, sources):
            pairs.setdefault((s, o), src)
    if "context" in sources:
        gone = [w for w in _expected_words(N) if E(w) >= CONTEXT_MIN_EXPECTED
                and missing((w,)) >= CONTEXT_MIN_MISSING]
        by_sig: dict[str, list[str]] = {}
        for s, n in inflated.items():
            if n >= CONTEXT_MIN_SEEN and s in counts.contexts:
                by_sig.setdefault(_signature(s), []).append(s)
        for o in gone:
            eo = E(o)
            quick = []
            for s in by_sig.get(_signature(o), ()):
                if s == o or not 0.1 * eo <= c[s] <= 10 * eo + 5:
                    continue
                g = ctxm.gains(counts.contexts[s], s, (o,), 1)  # its first context
                if g:
                    quick.append((g[0], s))
            quick.sort(reverse=True)
            for _, s in quick[:CONTEXT_TOP]:
                pairs.setdefault((s, (o,)), "context")
    # 3. evidence per pair: the original's missing count, and the mean LM gain of the original
    #    in the spun word's contexts, judged against the gains the same sources' candidates get
    #    in the places of native words (words seen as often as expected): a language model
    #    prefers common synonyms anywhere, and only a gain beyond that is evidence
    ev: dict[tuple[str, tuple[str, ...]], tuple[float, float, int]] = {}
    items = list(pairs)

    def here(part: Sequence[tuple[str, tuple[str, ...]]]) -> list[list[float]]:
        return [ctxm.gains(counts.contexts.get(s, ()), s, o) for s, o in part]

    pending = None
    if pair_gains is not None and items:
        ctxs = counts.contexts
        pending = pair_gains(items, here, [1 + len(ctxs.get(s, ())) for s, _ in items])
    # meanwhile (``pair_gains`` may be computing them elsewhere), what needs no gains: each pair's
    # count evidence, the null gains, and the rates of step 6
    count_ev = [missing(o) + fit(s, o) for s, o in items]
    null = []
    for s, n in c.most_common():
        if len(null) >= NULL_CONTEXTS:
            break
        if not (NATIVE[0] * E(s) <= n <= NATIVE[1] * E(s)):
            continue
        for o, _ in _candidates(s, sources)[:2]:
            null.extend(ctxm.gains(counts.contexts.get(s, ()), s, o, 3))
    rates = _rates(c, pi, missing, E)
    all_gains = here(items) if pending is None else pending() if callable(pending) else pending
    if len(all_gains) != len(items):
        raise RuntimeError(f"pair_gains returned {len(all_gains)} gain lists for {len(items)} pairs")
    for (s, o), gs, x in zip(items, all_gains, count_ev):
        if gs:
            ev[(s, o)] = (x, sum(gs) / len(gs), len(gs))
    if len(null) >= 30:
        mu0 = sum(null) / len(null)
        sd = max(0.3, math.sqrt(sum((g - mu0) ** 2 for g in null) / (len(null) - 1)))
    else:
        mu0, sd = 0.0, 1.0
    mu1 = mu0 + sd
    # a spun word's context fits most synonyms better than itself, right or wrong: the gain of
    # the original must beat that of the wrong candidates at spun words (mu_w), estimated with
    # the true pairs' (mu1) by EM from the beliefs
    muw = (mu0 + mu1) / 2

    excess_memo: dict[str, float] = {}

    def excess(s: str) -> float:
        """log10 LR that something inflates the spun word's count over "native"."""
        x = excess_memo.get(s)
        if x is None:
            n = c[s]
            x = excess_memo[s] = max(0.0, min(EXCESS_CLIP, (_nb_log(n, float(n), k)
                                                             - _nb_log(n, max(E(s), 1e-3), k)) / _LN10))
        return x

    import numpy as np

    keys = list(ev)
    spun_ids: dict[str, int] = {}
    sid = np.array([spun_ids.setdefault(key[0], len(spun_ids)) for key in keys], dtype=np.int64)
    n_ctx = np.array([ev[key][2] for key in keys], dtype=float)
    mgain = np.array([ev[key][1] for key in keys], dtype=float)
    fixed = np.array([math.log10(SOURCE_PRIOR[pairs[key]]) + excess(key[0]) + ev[key][0] for key in keys])
    unk = np.array([UNLISTED * 10 ** excess(w) for w in spun_ids]) if spun_ids else np.zeros(0)
    belief = np.zeros(len(keys))
    unl = np.ones(len(keys))
    for _ in range(10):
        ctx_llr = np.clip(n_ctx * (mu1 - muw) * (mgain - (muw + mu1) / 2) / (sd * sd) / _LN10, -CTX_CLIP, CTX_CLIP)
        odds = 10.0 ** np.clip(fixed + ctx_llr, -30.0, 30.0)
        total = 1.0 + unk + np.bincount(sid, weights=odds, minlength=len(spun_ids))
        belief = odds / total[sid]
        unl = (unk / total)[sid]
        z1, zw = belief.sum(), unl.sum()
        new1 = float((belief * mgain).sum() / z1) if z1 > 0 else mu1
        neww = float((unl * mgain).sum() / zw) if zw > 0 else muw
        new1 = max(neww + 0.25 * sd, new1)
        if abs(new1 - mu1) < 1e-3 and abs(neww - muw) < 1e-3:
            break
        mu1, muw = new1, neww
    beliefs = {key: float(x) for key, x in zip(keys, belief)}
    # the belief each pair would have on no evidence of this text (its prior under the same
    # alternatives): belief against it is what the text says of the pair
    odds0 = 10.0 ** np.clip(np.array([math.log10(SOURCE_PRIOR[pairs[key]]) + excess(key[0]) for key in keys]),
                            -30.0, 30.0)
    total0 = 1.0 + unk + np.bincount(sid, weights=odds0, minlength=len(spun_ids))
    priors = {key: float(x) for key, x in zip(keys, odds0 / total0[sid])} if keys else {}
    stats = {"null-gain": f"{mu0:.3f}", "wrong-gain": f"{muw:.3f}", "true-gain": f"{mu1:.3f}", "gain-sd": f"{sd:.3f}",
             "dictionary-share": f"{pi:.4f}", "dispersion": f"{k:g}"}
    # how far these texts are the real family's (the spinner family.tsv was read off): the mean
    # belief of the family table's pairs against their prior; see Profile.family_agreement
    fam = [b for key, b in beliefs.items() if pairs[key] == "family"]
    if fam:
        stats["family-agreement"] = f"{min(1.0, sum(fam) / len(fam) / SOURCE_PRIOR['family']):.4f}"
    # 5. entries: belief x the share of the spun word's occurrences beyond its own expectation
    entries = []
    for (s, o), b in beliefs.items():
        if c[s] < MIN_SEEN:
            continue
        share = max(0.0, 1.0 - E(s) / c[s])
        w = b * share
        if w < MIN_WEIGHT or b < MIN_BELIEF:
            if pairs[(s, o)] not in CURATED:
                continue
            w = 0.0  # a curated pair the text does not support: kept as a verdict, not a candidate
        _, mean_gain, _ = ev[(s, o)]
        oo = o[0] if len(o) == 1 else " ".join(o)
        entries.append(Entry((s,), o, round(w, 4), round(b, 4), priors[(s, o)], c[s], round(E(s), 2),
                             c.get(oo, 0) if len(o) == 1 else 0, round(E(oo), 2) if len(o) == 1 else 0.0,
                             round(mean_gain, 3), f"learned:{pairs[(s, o)]}"))
    # 6. the rate of each original a shipped table could propose here (computed above)
    entries.extend(rates)
    profile = Profile(entries, 0.5, eps, {**_meta(counts, sources), **stats})
    profile = Profile(profile.entries, _spun_share(profile, counts), eps, profile.meta)
    if prior is not None:
        profile = _with_prior(profile, prior)
    return profile


def _rates(c: Counter, pi: float, missing: Callable[[tuple[str, ...]], float], E: Callable[[str], float]
           ) -> list[Entry]:
    """Step 6 of :func:`estimate`: the rate of each original a shipped table could propose here,
    from its body count: a word the body uses at its normal rate is none of this spinner's
    ("immutable")."""
    base = math.log10(pi / (1 - pi))
    rated: set[str] = set()
    out = []
    for s in c:
        for o, _ in _candidates(s, tuple(_TABLE_SOURCES)):
            if len(o) != 1 or o[0] in rated:
                continue
            rated.add(o[0])
            llr = missing(o)
            if abs(llr) < RATE_MIN_LLR:
                continue
            r = 1.0 / (1.0 + 10 ** -(base + llr))
            out.append(Entry(ANY, o, 0.0, round(r, 6), pi, 0, 0.0, c.get(o[0], 0), round(E(o[0]), 2), 0.0,
                             "learned:counts"))
    return out


def pair_gains_of(counts: Counts, pairs: Sequence[tuple[str, tuple[str, ...]]], scorer: str = "trigram"
                  ) -> list[list[float]]:
    """The gains :func:`estimate` computes for these candidate pairs of ``counts`` (its
    ``pair_gains`` part), computed here: for a worker that holds the counts."""
    from .scoring import get_scorer

    ctxm = _Context(get_scorer(scorer))
    return [ctxm.gains(counts.contexts.get(s, ()), s, o) for s, o in pairs]


def prepare(scorer: str = "trigram", sources: Sequence[str] | None = None) -> None:
    """Load what :func:`estimate` reads besides the counts (wordfreq's lists, the language model,
    the candidate tables), so that a driver can do it while its workers count (see
    :func:`textfix.dask.learn`). Optional: estimate loads them on first use."""
    from wordfreq import get_frequency_dict, word_frequency

    from .scoring import get_scorer
    from .tables import load_table

    get_frequency_dict("en")
    word_frequency("the", "en")
    for n in (1_000, 50_000, 1_000_000):
        _expected_words(n)
    get_scorer(scorer)
    for src in (DEFAULT_SOURCES if sources is None else sources):
        if src in _TABLE_SOURCES:
            load_table(_TABLE_SOURCES[src])
        elif src in _THESAURUS_SOURCES:
            from .thesauri import _links

            _links(src)


def _expected_words(n_words: int) -> list[str]:
    """The words clean text of ``n_words`` words would be expected to show (top of wordfreq)."""
    from wordfreq import top_n_list

    # a word of frequency f is expected n*f times; the 30,000th English word has f ~ 1e-6
    n = 30_000 if n_words >= 1_000_000 else 20_000 if n_words >= 50_000 else 5_000
    return [w for w in top_n_list("en", n) if w.isalpha()]


def _spun_share(profile: Profile, counts: Counts) -> float:
    """Share of the texts that look spun under the profile (EM over the sampled documents)."""
    if not counts.doc_counts or not profile.entries:
        return 0.0
    spun_llr, orig_llr = profile.signature()
    llrs = []
    for _, here in counts.doc_counts:
        llrs.append(sum(n * spun_llr.get(w, 0.0) + n * orig_llr.get(w, 0.0) for w, n in here.items()))
    share = 0.5
    for _ in range(30):
        logit = math.log10(share / (1 - share))
        post = [1.0 / (1.0 + 10 ** -max(-30.0, min(30.0, x + logit))) for x in llrs]
        new = min(0.99, max(0.01, sum(post) / len(post)))
        if abs(new - share) < 1e-4:
            return new
        share = new
    return share


def _with_prior(profile: Profile, prior: Profile) -> Profile:
    """Entries of ``prior`` the text at hand does not contradict, added where it has none."""
    have = {(e.spun, e.original) for e in profile.entries}
    extra = [e for e in prior.entries if (e.spun, e.original) not in have]
    return Profile(profile.entries + extra, profile.spun_share, profile.survival, profile.meta)


def _meta(counts: Counts, sources: Sequence[str]) -> dict[str, str]:
    return {"source": f"textfix.learn over {counts.docs:,} texts ({counts.words:,} body words); "
                      f"candidate sources: {', '.join(sources)}",
            "licence": "derived word counts of the texts learned from"}


def enough_to_learn(documents: int, words: int) -> bool:
    """Do this many documents and body words make a profile worth using by default (textfix clean,
    scan, explain FILE)? See LEARN_MIN_TEXTS and LEARN_MIN_WORDS."""
    return documents >= LEARN_MIN_TEXTS and words >= LEARN_MIN_WORDS


def learn_texts(texts: Iterable[str], *, prior: Profile | None = None, sources: Sequence[str] | None = None,
                scorer: str = "trigram") -> Profile:
    counts = Counts()
    for t in texts:
        if isinstance(t, (bytes, bytearray)):
            raise TypeError("learn() takes str texts, not bytes: decode first")
        if not isinstance(t, str):
            raise TypeError(f"learn() takes an iterable of str, got an item of type {type(t).__name__}")
        counts.add(t)
    return estimate(counts, prior=prior, sources=sources, scorer=scorer)
