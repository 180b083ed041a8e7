"""Stage 5: document-level spin evidence, ``spin_score``, and which protections to lift.

A spun document gives itself away in several ways, combined here into one log10 likelihood ratio
(spun against clean) and squashed into ``spin_score``:

- *table matches*: per table, the maximum-likelihood share of matches whose candidate fits the
  context much better than the word on the page, and the likelihood ratio that share implies
  (:func:`estimate_rate`); each distinct spun phrase counts once;
- *tells*: patterns clean news almost never has: a multi-word spinner phrase that the context
  rejects ("final 12 months", "satellite tv for pc"), an article that fits a candidate but not
  the word after it ("a uncommon", "an necessary"), "mentioned" right after a closing quote;
- *fluency*: how well the body's content words fit their context, which needs no table
  (:func:`fluency_llr`; counted only as far as the text's vocabulary is news-like);
- *density*: a spinner rewrites the whole text, so its phrases come thick (several per hundred
  words); when the suspicious phrases are sparse (a long manual that a news model finds slightly
  odd here and there), the positive evidence above is scaled down in proportion;
- *contrast*: the same estimate inside quotes and in capitalised words, which the common spinner
  leaves alone; when they look as spun as the rest, their protection is lifted.

Two scores come out: ``score`` (reported as ``spin_score``) adds everything; ``edit_score``, which
gates edits, lets fluency add at most FLUENCY_EDIT_CAP: text far from news fits a news model badly
whether or not it was spun, so only the tables' own evidence can license restoring it.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

__all__ = ["Evidence", "Site", "distinct_sites", "estimate_rate", "evaluate", "fluency_llr", "SUSPICIOUS"]

#: local log10 gain above which a phrase counts as suspicious
SUSPICIOUS = 1.0
#: local log10 gain above which a multi-word curated phrase is a tell
TELL_GAIN = 0.5
#: site gains are multiplied by TEMPER and clipped to +-GAIN_CLIP before the rate estimate
TEMPER, GAIN_CLIP = 0.5, 3.0
#: each tell adds this much log10 likelihood ratio (at most MAX_TELLS of them count)
TELL_LLR, MAX_TELLS = 1.0, 6
#: spin_score = logistic(SCORE_SLOPE * (llr + tells - SCORE_MIDPOINT))
SCORE_SLOPE, SCORE_MIDPOINT = 0.8, 6.0
#: fluency term: FLUENCY_WEIGHT * n_words * (FLUENCY_MID - mean PMI), clipped to
#: [-FLUENCY_CLIP[0], FLUENCY_CLIP[1]] (see fluency_llr; constants from clean vs spun BBC news)
FLUENCY_WEIGHT, FLUENCY_MID, FLUENCY_CLIP = 0.25, 0.4, (8.0, 40.0)
#: the most content words whose fit counts (a long news article's worth; BBC articles have 70-400):
#: a register the news model does not know lowers every word's fit a little, and over a manual's
#: thousands of words that would add up to certainty
FLUENCY_WORDS = 300
#: the most the fluency term may add to the evidence that licenses *edits* (Evidence.edit_score):
#: any text far from news (licences, manuals, papers) fits a news model badly, so poor fluency
#: alone says "not news", not "spun"; edits need the tables' own evidence or tells. It may take
#: away as much at most: a page whose words fit well is not spun *heavily*, which says little
#: against a light spin that the tables see ("yr" for "year" four times). Measured with the cap
#: one-sided -> both sides (benchmarks/real.py leave-one-site-out, RESULTS.md "Session 7"): 54.4% ->
#: 54.7% removed, new errors 117 both; synthetic spinners, non-news, BBC unchanged
FLUENCY_EDIT_CAP = 2.0
#: the most distinct sites (per table) whose evidence adds up in the likelihood ratio; more sites
#: only sharpen the rate estimate
EVIDENCE_SITES = 40.0
#: suspicious phrase occurrences per 100 body words below which the positive evidence (tables, tells,
#: fluency) is scaled down in proportion. A spinner rewrites the whole text, so its phrases are
#: dense (BBC news spun at 10-20%: 1.7-17 per 100 words, median ~6; the real examples 13-17),
#: while the few dozen phrases a news model "prefers" differently in a long manual are scattered
#: over thousands of words (Node.js API pages: 0.2-1.4)
MIN_DENSITY = 2.0
#: a phrase counts at most this many times towards the density: a manual about query strings says
#: "query" on every line
DENSITY_OCCURRENCES = 3
#: tables whose phrases count once per occurrence (at most DENSITY_OCCURRENCES times, as in the
#: density) rather than once per page: the family table's evidence rows (its strong ones, see
#: pipeline.EVIDENCE_MIN_WEIGHT: "yr", "stated", "within", nearly never kept on its pages) are
#: swaps the spinner makes at each occurrence, not one wording a page repeats. Measured
#: (benchmarks/real.py, leave-one-site-out; RESULTS.md "Session 7"): 53.6% -> 54.4% removed, 0.94%
#: -> 0.98% new errors; the synthetic spinners, the examples and the non-news texts unchanged
PER_OCCURRENCE_TABLES = frozenset({"family"})
#: lift the name protection when the names' own llr exceeds LIFT_LLR and their rate is at least
#: LIFT_SHARE of the body's
LIFT_LLR, LIFT_SHARE = 4.0, 0.4
#: prior probability that a spun page's quoted speech is spun as well; the quotes' own matches move
#: it (quote_belief). Spinners differ: the real corpus's index labels 51 of its 178 dominant-family
#: pages "quote(s) spun", and by alignment that family changed a quoted word on 43 of the 52 pairs
#: with quotes (benchmarks/real.py, "Quoted speech"), while the thesaurus spinners of
#: benchmarks/spinner.py never do. Measured (RESULTS.md, "Session 7"): real pages 53.6% removed /
#: 0.94% new errors at 0.29, 53.7% / 0.94% at 0.5, 53.9% / 0.96% at 0.83 (49.5% / 0.81% with quotes
#: protected unless their own fitted rate was high, the same tables); the synthetic MyThes spinner's
#: untouched words changed 0.85%, 0.86%, 0.89% (0.81%). The lowest keeps nearly all of the real
#: gain for the least cost elsewhere
QUOTES_SPUN_PRIOR = 0.29
#: a profile's evidence about one text counts at most this much (log10) either way, as much as
#: a clearly spun page's table evidence
CHANNEL_CLIP = 12.0
_SAID_TELL = regex.compile(r"""[,.?!…]?[”"]\s+mentioned\b|\bmentioned\s*[,.]?\s*[“"]""")


@dataclass(frozen=True, slots=True)
class Site:
    """A table match with its best local gain and where it stands."""

    match: object
    gain: float          # best candidate's local log10 gain (LM + article evidence + log10 weight)
    region: str          # "body", "quote" or "name"
    multiword_curated: bool
    article_tell: bool
    table: str = "phrases"  # the table of the site's first candidate: rates are estimated per table
    stands_for: float = 1.0  # how many sites of its kind this one represents (a sample's share)
    occurrences: int = 1     # how often its spun phrase occurs in the document (same region)


@dataclass(frozen=True)
class Evidence:
    body_words: int
    body_suspicious: int
    tells: int
    quote_words: int
    quote_suspicious: int
    name_words: int
    name_suspicious: int
    score: float
    lift_quotes: bool
    lift_names: bool
    notes: tuple[str, ...] = field(default=())
    rate: float = 0.0    # estimated share of candidate sites the spinner replaced (all tables)
    llr: float = 0.0     # log10 likelihood ratio spun/clean from the body sites
    table_rates: dict[str, float] = field(default_factory=dict)  # the same share, per table
    edit_score: float = 0.0  # like score, with the fluency term capped: what edits are gated on
    # score and edit_score as if the suspicious phrases were dense (no scaling by MIN_DENSITY):
    # the most that further sites could do through the density (textfix.scan reads it)
    dense_score: float = 0.0
    dense_edit_score: float = 0.0
    # P(the quoted text is spun as the body is): the prior QUOTES_SPUN_PRIOR, moved by the quotes'
    # own matches (quote_belief); decoding multiplies a quoted phrase's prior by it
    quote_belief: float = 0.0
    # per table, the log10 likelihood ratio of its body sites at the table's fitted rate (before
    # the EVIDENCE_SITES cap and the density scaling)
    table_llrs: dict[str, float] = field(default_factory=dict)


def _logistic(z: float) -> float:
    if z < -40:
        return 0.0
    if z > 40:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


def _compiled():  # noqa: ANN202  (textfix._fastlm or None)
    from .scoring import _fastlm_module, compiled_available

    return _fastlm_module() if compiled_available() else None


def estimate_rate(gains: Sequence[float], weights: Sequence[float] | None = None, *, iters: int = 30
                  ) -> tuple[float, float]:
    """Maximum-likelihood share ``r`` of sites the spinner replaced, and the log10 likelihood
    ratio of "spun at rate r" against "clean" (r = 0).

    Each site's gain ``g`` is a log10 likelihood ratio (candidate original against the page's
    wording); under rate ``r`` a site's likelihood is ``r * 10**g + (1 - r)``. Gains are tempered
    and clipped first: an n-gram model is overconfident about single words.
    """
    fast = _compiled() if weights is None or (isinstance(weights, (list, tuple)) and len(weights) == len(gains)) \
        else None
    if fast is not None:  # the same loop in C (textfix._fastlm), the same floats
        return fast.estimate_rate(gains, weights, iters, TEMPER, GAIN_CLIP)
    if not gains:
        return 0.0, 0.0
    w = list(weights) if weights is not None else [1.0] * len(gains)
    total = sum(w)
    # unit weights (the common case) drop out of the products exactly: 1.0 * y == y
    unit = weights is None or all(wk == 1.0 for wk in w)
    lr = [10.0 ** max(-GAIN_CLIP, min(GAIN_CLIP, TEMPER * g)) for g in gains]
    r = 0.1
    for _ in range(iters):
        if unit:
            new = sum([r * x / (r * x + 1.0 - r) for x in lr]) / total
        else:
            new = sum([wk * r * x / (r * x + 1.0 - r) for wk, x in zip(w, lr)]) / total
        if abs(new - r) < 1e-5:
            r = new
            break
        r = new
    r = min(max(r, 0.0), 0.999)
    llr = sum(wk * math.log10(r * x + 1.0 - r) for wk, x in zip(w, lr))
    return r, llr


def _score(llr: float, tells: float) -> float:
    """0..1 from the document's log10 likelihood ratio and its (weighted) count of tells."""
    z = SCORE_SLOPE * (llr + TELL_LLR * min(tells, MAX_TELLS) - SCORE_MIDPOINT)
    return _logistic(z)


def distinct_sites(sites: Sequence[Site]) -> list[Site]:
    """One site per (region, table, spun phrase), with the mean gain of its occurrences: a word
    an article repeats ("queries" in a story about search engines) is one piece of evidence."""
    groups: dict[tuple, list[Site]] = {}
    for s in sites:
        groups.setdefault((s.region, s.table, getattr(s.match, "spun", id(s))), []).append(s)
    out = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            out.append(first)
            continue
        gain = sum(s.gain for s in group) / len(group)
        out.append(Site(first.match, gain, first.region, first.multiword_curated,
                        any(s.article_tell for s in group), first.table, max(s.stands_for for s in group),
                        max(s.occurrences for s in group)))
    return out


def fluency_llr(n_words: int, mean_pmi: float) -> float:
    """log10 likelihood-ratio term from how well the document's content words fit their context.

    ``mean_pmi`` is the mean of log10 P(word | two words before) - log10 P(word) over the body's
    content words (all but the ~1000 commonest). Clean news keeps it near 0.75; a spinner's
    sense-blind synonyms pull it down (about 0.1 at a 20% spin rate, with or without known
    spinner phrases), whatever thesaurus the spinner used: this term needs no table at all.
    """
    if n_words == 0:
        return 0.0
    n = min(n_words, FLUENCY_WORDS)
    return max(-FLUENCY_CLIP[0], min(FLUENCY_CLIP[1], FLUENCY_WEIGHT * n * (FLUENCY_MID - mean_pmi)))


def quote_belief(quote: Sequence[Site], rates: dict[str, float], rate: float) -> float:
    """P(quoted text spun | its matches): quotes spun at the body's rates (each site at its table's
    rate, ``rate`` where the body has none) against quotes left alone, from the prior
    QUOTES_SPUN_PRIOR. No rate is fitted to the quotes: they are too few for one."""
    llr = math.log10(QUOTES_SPUN_PRIOR / (1.0 - QUOTES_SPUN_PRIOR))
    for s in quote:
        r = min(0.999, rates.get(s.table, rate) or rate)
        x = 10.0 ** max(-GAIN_CLIP, min(GAIN_CLIP, TEMPER * s.gain))
        llr += s.stands_for * math.log10(r * x + 1.0 - r)
    return _logistic(math.log(10.0) * max(-30.0, min(30.0, llr)))


def evaluate(text: str, n_body: int, n_quote: int, n_name: int, sites: Sequence[Site],
             *, adaptive: bool, fluency: tuple[int, float] = (0, 0.0), channel: float | None = None) -> Evidence:
    """Evidence from the table matches of a document (each distinct spun phrase counted once, or
    per occurrence for PER_OCCURRENCE_TABLES)."""
    sites = distinct_sites(sites)
    body = [s.gain for s in sites if s.region == "body"]
    quote = [s.gain for s in sites if s.region == "quote"]
    name = [s.gain for s in sites if s.region == "name"]
    body_s = sum(1 for g in body if g > SUSPICIOUS)
    quote_s = sum(1 for g in quote if g > SUSPICIOUS)
    name_s = sum(1 for g in name if g > SUSPICIOUS)
    tells = sum(1 for s in sites if s.region == "body" and (
        (s.multiword_curated and s.gain > TELL_GAIN) or s.article_tell))
    tells += len(_SAID_TELL.findall(text)) if "mentioned" in text else 0
    rate, _ = estimate_rate(body, [s.stands_for for s in sites if s.region == "body"])
    # the spinner replaces a curated phrase far more often than a word with a thesaurus entry, so
    # each table gets its own rate; the evidence adds up
    table_rates: dict[str, float] = {}
    table_llrs: dict[str, float] = {}
    llr = 0.0
    for table in sorted({s.table for s in sites}):
        group = [s for s in sites if s.region == "body" and s.table == table]
        if table in PER_OCCURRENCE_TABLES:
            weights = [s.stands_for * min(s.occurrences, DENSITY_OCCURRENCES) for s in group]
        else:
            weights = [s.stands_for for s in group]
        t_rate, t_llr = estimate_rate([s.gain for s in group], weights)
        table_rates[table] = t_rate
        table_llrs[table] = t_llr
        # a long text with a slight, systematic preference of the model (a manual: "methods" ->
        # "systems" everywhere) must not add up to certainty: at most EVIDENCE_SITES sites' worth
        weight = sum(s.stands_for for s in group)
        if weight > EVIDENCE_SITES:
            t_llr *= EVIDENCE_SITES / weight
        llr += t_llr
    suspicious = sum(s.stands_for * min(s.occurrences, DENSITY_OCCURRENCES) for s in sites
                     if s.region == "body" and s.gain > SUSPICIOUS)
    density = 100.0 * suspicious / max(1, n_body)
    sparse = min(1.0, density / MIN_DENSITY) if MIN_DENSITY > 0 else 1.0
    dense_llr = llr  # the evidence as if the suspicious phrases were dense (sparse = 1)
    if llr > 0:
        llr *= sparse
    if channel is not None:
        # a learned profile's evidence (textfix.channel): counts of the spinner's outputs and of
        # its vanished originals, already a log10 likelihood ratio with its prior; not scaled by
        # density, which it subsumes
        llr += max(-CHANNEL_CLIP, min(CHANNEL_CLIP, channel))
        dense_llr += max(-CHANNEL_CLIP, min(CHANNEL_CLIP, channel))
    fluency_term = dense_fluency = fluency_llr(*fluency)
    if fluency_term > 0:
        fluency_term *= sparse
    edit_score = _score(llr + max(-FLUENCY_EDIT_CAP, min(fluency_term, FLUENCY_EDIT_CAP)), tells * sparse)
    llr += fluency_term
    score = _score(llr, tells * sparse)
    dense = (_score(dense_llr + dense_fluency, tells),
             _score(dense_llr + max(-FLUENCY_EDIT_CAP, min(dense_fluency, FLUENCY_EDIT_CAP)), tells))
    notes: list[str] = []
    if score >= 0.5 and edit_score < 0.5:
        notes.append(f"the text reads unlike news to the language model (spin score {score:.2f}), but its table "
                     f"matches show little sign of a spinner ({edit_score:.2f}): edits were held back")
    lift_q = lift_n = False
    belief = 0.0
    if adaptive:
        belief = quote_belief([s for s in sites if s.region == "quote"], table_rates, rate)
    if adaptive and edit_score > 0.9:
        n_rate, n_llr = estimate_rate(name, [s.stands_for for s in sites if s.region == "name"])
        if belief >= 0.5 and quote:
            lift_q = True
            notes.append(f"quoted text looks spun too (P = {belief:.2f} that it was spun as the rest was): "
                         "quoted phrases were weighed like the rest")
        if n_llr > LIFT_LLR and n_rate >= LIFT_SHARE * rate:
            lift_n = True
            notes.append(f"capitalised words look spun too (estimated spin rate {n_rate:.0%}, {rate:.0%} "
                         "elsewhere): names were not protected")
    return Evidence(n_body, body_s, tells, n_quote, quote_s, n_name, name_s, score, lift_q, lift_n,
                    tuple(notes), rate, llr, table_rates, edit_score, *dense, quote_belief=belief,
                    table_llrs=table_llrs)
