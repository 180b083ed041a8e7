"""The whole pass: tokens -> table matches -> document evidence -> lattice decoding -> edits.

Decisions are made per document first (how spun is it? are its quotes and names spun?), then
per phrase (does a candidate beat the page's wording in context, by a margin?). A long text is
first judged in parts of a few paragraphs (or lines): where clearly spun parts meet clearly clean
ones (articles pasted together), each run of parts is a document of its own. The pass is repeated
on its own output until nothing changes (at most :data:`MAX_PASSES` times) and the edits are
composed, so ``restore(restore(x)) == restore(x)``.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import math

from . import homoglyph, scan
from .config import Config, resolve_config
from .decode import (DISCOUNTED, FREQ_DISCOUNT, LENGTH_COST, Choice, Match, _cand_info, article_logodds, candidate_gains,
                     chunks,
                     decode_chunk, find_matches, wants_an, MEMO_ENTRIES)
from .detect import Evidence, Site, distinct_sites, estimate_rate, evaluate
from .edits import Edit, Explanation, apply_edits, compose_edits
from .scoring import get_scorer
from .profile import Profile
from .tables import Candidate, Lexicon, Table, lexicon
from .tokens import PARAGRAPH_BREAK, Token, tokenize

__all__ = ["run", "score_document", "MAX_PASSES"]

MAX_PASSES = 3
#: bounds of the share of candidate sites the spinner replaced (prior for decoding): the rate
#: assumed in a clean document, and the most any document is credited with
RATE_SPUN, RATE_CLEAN = 0.95, 2e-4
#: rate assumed when document gating is off (each phrase judged on its own)
RATE_UNGATED = 0.02
#: candidates whose local log10 odds (gain + prior) are below -PRUNE are not decoded, and at most
#: MAX_CANDIDATES per phrase are
PRUNE, MAX_CANDIDATES = 1.5, 3
#: pseudo-count of the table's rate when the occurrences of one spun word are pooled (0: off)
POOL_PRIOR = 2.0
#: ... and only in a document whose edit score is at least this (a manual repeats its own terms,
#: which a news model may dislike every time: "byte stream")
POOL_MIN_SCORE = 0.9
#: thesaurus-only matches scored for the document evidence (an even sample of them)
SAMPLE_SITES = 40
#: the most thesaurus matches one sampled match's evidence may stand for
MAX_STANDS_FOR = 2.0
#: candidates per sampled thesaurus match (the heaviest) scored for the evidence
EVIDENCE_CANDIDATES = 4
#: edit score below which a document is judged clean and nothing but fingerprints is edited
#: (a phrase would need odds of thousands to one there anyway)
FULL_SCORING_MIN = 0.1
#: words with a unigram log10 probability below this count as content words for the fluency
#: evidence (all but the ~1000 commonest)
CONTENT_WORD_MAX_LOGP = -3.0
#: share of out-of-vocabulary words up to which a text counts as news-like for the fluency
#: evidence, and from which it does not count at all (BBC news: median 2%, 95th percentile 6%;
#: manuals, licences, docstrings: median 9-10%)
OOV_NEWS, OOV_FOREIGN = 0.05, 0.10
#: edit score below which thesaurus-only matches are not decoded at all: a word with no curated
#: entry is only restored in a document that is clearly spun
THESAURUS_MIN_SCORE = 0.5
#: confidence of spelling out a small number in a document that is certainly spun
NUMERAL_CONFIDENCE = 0.8
_NUMERALS = dict(zip("23456789", "two three four five six seven eight nine".split()))
#: words after which a digit stays a digit ("3 million", "5 per cent", "2 am")
_NUMBER_UNITS = frozenset("""million millions billion billions trillion thousand hundred dozen per percent pc
    bn m am pm kg km mm cm ft mph mg ml lb lbs oz""".split())
#: ordinals news style writes as figures (10th and up) that this spinner family spells out
_ORDINALS = {w: f"{n}th" for n, w in zip(range(10, 20), "tenth eleventh twelfth thirteenth fourteenth "
                                          "fifteenth sixteenth seventeenth eighteenth nineteenth".split())}
_ORDINALS.update({w: f"{n}th" for n, w in zip(range(20, 100, 10), "twentieth thirtieth fortieth fiftieth "
                                               "sixtieth seventieth eightieth ninetieth".split())})
_ORDINALS["hundredth"] = "100th"
#: log10 by which a shipped table's candidate is demoted when a site profile is given: the
#: profile has weighed the tables' pairs against the site's text, and a pair it did not adopt is
#: less likely this site's. Measured on 100 BBC articles spun with MyThes, learned as a folder
#: (restored / wrong / untouched words changed): with phrase rewrites 0: 1736 / 351 / 0.68%,
#: 1: 1478 / 208 / 0.23%, 6: 932 / 136 / 0.13% (no profile: 1242 / 272 / 0.71%); without them
#: 0: 681 / 426 / 0.41%, 1: 591 / 246 / 0.09%, 6: 554 / 213 / 0.05% (no profile: 42 / 55 / 0.12%)
PROFILE_DEMOTION = 1.0
#: ... and a curated pair the profile weighed moves by its belief against the curated prior, at
#: most this much (log10) either way. Letting the evidence only raise curated pairs (floor 0) was
#: measured: 100 MyThes-spun articles with phrase rewrites 1663 -> 1689 restored, 224 -> 308 wrong,
#: 0.38% -> 0.64% untouched words changed; real pages held out by site (benchmarks/real.py
#: --learn) 33.1% -> 39.6% removed, new errors 0.46% -> 0.57%: kept symmetric
VERDICT_CLIP = 3.0
#: how far a table's weights are trusted as the spinner's channel probability
#: (family: 1.0, measured with benchmarks/real.py leave-one-site-out against 0.5 at 1be036f: 50.3%
#: of the spinner's word errors removed against 46.1%, new errors 1.88% against 1.63%)
TABLE_TRUST = {"phrases": 1.0, "thesaurus": 0.5, "tortured": 1.0, "family": 1.0, "wordsalad": 1.0, "profile": 1.0}
#: share of the unigram frequency gap taken out of a non-thesaurus table's decoding prior (the
#: thesaurus's is FREQ_DISCOUNT; 1.0 = pure association): the n-gram model prefers common words, so
#: "the retailer" became "the store" on real pages where it was the page's own word
#: (benchmarks/real.py, leave-one-site-out, removed / new errors: 0, 0.35, 0.7 gave 51.7% / 1.85%,
#: 50.9% / 1.73%, 50.1% / 1.58% at 1be036f's settings; at 778af03's, 0.7 gave 52.0% / 1.45% and 1.0
#: 50.3% / 1.28%, retailer -> store 26 -> 10 new errors)
#: The word-salad table's too ("for helium utilized" -> "for he utilized" on a real Party City page
#: was the gap between "he" and "helium"; with it, 0 edits outside the two word-salad pages)
TABLE_FREQ_DISCOUNT = {"family": 1.0, "wordsalad": 1.0}
#: a table's confidences are raised to this power. The thesaurus lists the word a spinner replaced
#: for only part of its outputs, and an n-gram model over-rates common words, so the raw posterior
#: over-states how often a thesaurus edit is right: measured on the non-circular mythes benchmark
#: (benchmarks/accuracy.py), raw 0.9+ edits were right 64% of the time and raw 0.5-0.9 ones 24-37%.
#: The family table's: fitted by maximum likelihood (an edit is right when it gives the original's
#: words) to its edits on the real pages held out by site, benchmarks/calibration.py: 2.5 (bootstrap
#: 2.2-2.7 over 2,183 edits); raw 0.5-0.8 edits were right 58-79% of the time, 0.9+ 86%. With it,
#: benchmarks/real.py --no-bbc: new errors 1.32% -> 1.05% for 53.8% -> 50.3% removed (see
#: CHANNEL_TABLES). The phrases table fits 6.9 there, but its rows are read off the examples,
#: where it would cost 7 points (89.7% -> 82.9% restored): not applied
CALIBRATION = {"thesaurus": 8.0, "family": 2.5}
#: tables whose rows are fingerprints: a match is an edit at FINGERPRINT_CONFIDENCE (shared among
#: the originals a row lists, by context)
FINGERPRINTS = frozenset({"tortured"})
FINGERPRINT_CONFIDENCE = 0.9
#: the source tag of the fingerprints that need context (see _Doc._context_ok)
CONTEXT_SOURCE = "pps-context"
#: a text of at least this many characters is judged in parts: articles pasted together, some spun
#: and some not, each get their own verdict (a document's rate and gate would apply to all of it)
LONG_TEXT = 12_000
#: the parts judged: runs of whole paragraphs (or lines, see _parts) of at least this many characters
PART_CHARS = 1_500
#: a part counts as spun at this edit score (stricter than a document's 0.5: a long text has many
#: parts, and none of a clean one may look spun by chance) ...
PART_SPUN = 0.9
#: ... and so does a part next to a spun one at this score: a text splits only where a clearly
#: spun run of parts meets a clearly clean one
PART_BRIDGE = 0.1
#: thesaurus-only matches sampled for a part's verdict (a document's: SAMPLE_SITES)
PART_SAMPLE_SITES = 10
#: names are protected as names: a capitalised word is left alone unless a curated table
#: (NAME_TABLES) lists it as a spinner output ("Invoice Gates", "Kansas Metropolis", "Purple
#: Lobster") and the document is clearly spun (edit score at least SPUN_NAME_MIN_SCORE); then it is
#: decided in context like any other word, on those tables' candidates only (benchmarks/real.py)
SPUN_NAME_MIN_SCORE = 0.9
NAME_TABLES = frozenset({"phrases", "family"})
#: the family table proposes edits, but only its strong rows (weight EVIDENCE_MIN_WEIGHT or more:
#: "within" -> "in", "stated" -> "said", seen 9+ times and almost never kept) count as evidence of
#: spinning: its one-off rows made licences and manuals look spun. Its candidates are decoded at
#: the rate of all its body matches in the document (decide()). Measured (benchmarks/real.py
#: leave-one-site-out: removed / wrong / new errors / dominant pages flagged; accuracy.py's clean
#: text that is not news: words changed in Debian docs, Node.js docs):
#:   every family row as evidence, at its own rate       55.5% / 13.5% / 1.68% / 97%; 73, 58 words
#:   strong rows as evidence, at their rate              56.3% / 12.8% / 2.28% / 96%; 0, 5
#:   strong rows as evidence, at the overall rate        46.4% / 12.4% / 1.04% / 96%; 0, 5 (README's
#:                                                       example came back wrong: "the war began")
#:   strong rows as evidence, at the rate of all rows    52.0% / 12.4% / 1.45% / 96%; 0, 8 (this build,
#:                                                       before TABLE_FREQ_DISCOUNT 0.7 -> 1.0)
#:   no family row as evidence                           41.5% / 11.4% / 0.84% / 92%; 0, 8
NO_EVIDENCE_TABLES = frozenset({"family"})
EVIDENCE_MIN_WEIGHT = 0.9
#: tables whose weights are the spinner's channel posterior on its own pages: a family row's weight
#: is the share of the spun phrase's occurrences on this family's pages that the spinner made from
#: that original, kept occurrences included (scripts/build_family.py). A document is spun by this
#: family to the degree its rate (the share of its family matches the model finds spun, decide())
#: matches the share a typical family page has, the mean weight of its matches; a candidate's
#: prior is then rate x weight / mean weight. Measured against rate x weight, the rule before
#: (benchmarks/real.py --no-bbc, leave-one-site-out: removed / wrong / new errors; accuracy.py
#: --config mythes: restored / wrong / untouched words changed), both with the family's CALIBRATION:
#:   rate x weight                    44.7% / 12.5% / 0.98%
#:   rate x weight / mean weight      50.3% / 12.2% / 1.05%; mythes 18.6% / 4.1% / 0.82% (was 0.83%)
#: and without CALIBRATION 50.3% / 12.6% / 1.28% (the rule before), 53.8% / 12.4% / 1.32% (this).
#: The prior as the weight alone, the document's spin score x weight, restored more (53.9%) but
#: fired family rows on text spun by other spinners: mythes untouched words changed 0.83% -> 1.38%
CHANNEL_TABLES = frozenset({"family"})
#: tables of one spinner that is not the common one: a document's rate for such a table counts only
#: as far as the document is that spinner's, P = its prior here, moved by the table's own sites
#: (Evidence.table_llrs). Word salad: 2 of the 228 spun pages of the real-spun corpus. One
#: element name on a page of another spinner ("helium" in a story about party balloons) is
#: then not read as the word-salad spinner's "he" (benchmarks/real.py; RESULTS.md "Session 7")
SPINNER_PRIORS = {"wordsalad": 2 / 228}


def _longest_first(matches: list[Match]) -> list[Match]:
    """The matches that do not overlap a longer one (ties: the earlier), in text order."""
    covered: set[int] = set()
    keep: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.i - m.j, m.i)):
        span = range(m.i, m.j)
        if covered.isdisjoint(span):
            covered.update(span)
            keep.append(m)
    return sorted(keep, key=lambda m: m.i)


@functools.lru_cache(maxsize=4096)
def _log_weight(cand_weight: float, table: str) -> float:
    """log10 of a candidate's prior: its table weight times how far the table is trusted."""
    return math.log10(max(1e-6, cand_weight * TABLE_TRUST.get(table, 0.5)))


_LOG_WEIGHTS: dict[int, tuple] = {}


def _log_weights(candidates: tuple, profile: Profile | None = None, spun: tuple[str, ...] = ()) -> list[float]:
    """``_log_weight`` of each candidate, memoised per candidate tuple (by identity: the lexicon
    keeps one per spun phrase, and one lexicon per profile). With a profile, a shipped table's
    candidate also gets the profile's count evidence for its original: a word the site's body text
    uses at its normal rate is not one this spinner replaces."""
    hit = _LOG_WEIGHTS.get(id(candidates))
    if hit is not None and hit[0] is candidates:
        return hit[1]
    out = [_log_weight(c.weight, tb) for c, tb in candidates]
    if profile is not None:
        llr = profile.count_llr
        # the family table is the real family's measured channel: the profile's evidence on its
        # pairs counts as far as the texts learned from are not that family's
        # (Profile.family_agreement); on the family's own pages it is counts a topic inflates
        # ("stores" on a retail site beside 218 "shops"). Measured with benchmarks/real.py
        # --learn-folder (one profile from the family's 172 real spun pages, each site held out of
        # the table): with the evidence in full 37.7% removed / 0.55% new errors, scaled by the
        # agreement (1 there) 48.7% / 0.65%; left out everywhere, synthetic spinners' folders had
        # more untouched words changed (mythes 0.38 -> 0.46%) and a clean folder 4 words
        keep = 1.0 - profile.family_agreement
        out = [w if tb == "profile" else w + (keep if tb == "family" else 1.0)
               * (llr(c.words) + _profile_adjust(profile, spun, c.words, tb))
               for w, (c, tb) in zip(out, candidates)]
    if len(_LOG_WEIGHTS) > MEMO_ENTRIES:
        _LOG_WEIGHTS.clear()
    _LOG_WEIGHTS[id(candidates)] = (candidates, out)
    return out


def _profile_adjust(profile: Profile, spun: tuple[str, ...], original: tuple[str, ...], table: str) -> float:
    """log10 change of a shipped table's candidate prior under a site profile: for a curated
    pair the profile weighed, the Bayes factor the site's text gave it (confirms or rejects it),
    none for one it did not; for a thesaurus pair, PROFILE_DEMOTION (the profile weighed the
    thesaurus and did not adopt it)."""
    if table in ("phrases", "family"):
        factor = profile.verdict(spun, original)
        if factor is not None:
            return max(-VERDICT_CLIP, min(VERDICT_CLIP, factor))
        return 0.0  # a curated pair the profile could not weigh (a phrase, a word at its usual rate)
    return -PROFILE_DEMOTION


_THES_ONLY: dict[int, tuple] = {}


def _thesaurus_only(candidates: tuple) -> bool:
    """Do all the candidates come from discounted (thesaurus) tables? Memoised like _log_weights."""
    hit = _THES_ONLY.get(id(candidates))
    if hit is not None and hit[0] is candidates:
        return hit[1]
    out = all(tb in DISCOUNTED for _, tb in candidates)
    if len(_THES_ONLY) > MEMO_ENTRIES:
        _THES_ONLY.clear()
    _THES_ONLY[id(candidates)] = (candidates, out)
    return out


_EVIDENCE_CANDIDATES: dict[int, tuple] = {}


def _evidence_candidates(candidates: tuple) -> tuple:
    """The candidates the document evidence sees (see _Doc._without_evidence_tables): ``candidates``
    itself when it keeps them all, else one shared tuple of those it keeps (memoised like
    _log_weights, so the memos keyed by candidate tuple hit for the evidence's matches too)."""
    hit = _EVIDENCE_CANDIDATES.get(id(candidates))
    if hit is not None and hit[0] is candidates:
        return hit[1]
    out = candidates
    if any(tb in NO_EVIDENCE_TABLES for _, tb in candidates):
        kept = tuple(ct for ct in candidates if ct[1] not in NO_EVIDENCE_TABLES or ct[0].weight >= EVIDENCE_MIN_WEIGHT)
        if len(kept) != len(candidates):
            out = kept
    if len(_EVIDENCE_CANDIDATES) > MEMO_ENTRIES:
        _EVIDENCE_CANDIDATES.clear()
    _EVIDENCE_CANDIDATES[id(candidates)] = (candidates, out)
    return out


@functools.lru_cache(maxsize=16)
def _page_llr(table: Table) -> tuple[float, float] | None:
    """log10 likelihood ratios (substituted : kept) of a candidate's words occurring elsewhere on the
    page, and of their not occurring, from a table's ``page-consistency`` header (build_family.py
    measures the two shares on the real pairs: this spinner swaps a word the same way throughout a
    page, so an original still on the page speaks against the candidate)."""
    raw = table.meta.get("page-consistency")
    if not raw:
        return None
    sub, kept = (float(x) for x in raw.split()[:2])
    return math.log10(sub / kept), math.log10((1.0 - sub) / (1.0 - kept))


class _Spans:
    """Sorted, non-overlapping edit spans with an O(log n) overlap test."""

    def __init__(self, edits: list[Edit]) -> None:
        spans = sorted((e.start, e.end) for e in edits)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end) - 1   # last span starting before `end`
        return k >= 0 and self.ends[k] > start


def _check_profile(profile: object) -> None:
    if profile is not None and not isinstance(profile, Profile):
        raise TypeError(f"profile must be a textfix.Profile (textfix.learn(...) or Profile.load(path)), "
                        f"not {type(profile).__name__}")


_PROFILE_LEXICONS: dict[int, tuple] = {}


def _profile_lexicon(profile: Profile, tables: tuple[str, ...]) -> Lexicon:
    """The profile's table first, then the shipped ones (memoised per profile and tables)."""
    key = id(profile)
    hit = _PROFILE_LEXICONS.get(key)
    if hit is not None and hit[0] is profile and hit[1] == tables:
        return hit[2]
    lex = Lexicon((profile.table(), *lexicon(tables).tables))
    if len(_PROFILE_LEXICONS) > 8:
        _PROFILE_LEXICONS.clear()
    _PROFILE_LEXICONS[key] = (profile, tables, lex)
    return lex


def _check_text(text: object) -> str:
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("textfix works on str, not bytes: decode first, e.g. data.decode('utf-8')")
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return text


def _science_on(cfg: Config, tokens: list[Token]) -> bool:
    """Is this text read as a science paper (``Config.domains``)?"""
    if cfg.science is not None:
        return cfg.science
    if not tokens:
        return False
    from .science import is_science

    return is_science(tokens)


class _Doc:
    """One analysis of one text under one config."""

    _paper_mill: bool | None = None

    def __init__(self, text: str, cfg: Config, gain_cache: dict | None = None,
                 sample_sites: int = SAMPLE_SITES, profile: Profile | None = None) -> None:
        self.profile = profile
        self.gain_cache = gain_cache
        self.text = text
        self._curly = "’" in text  # restored apostrophes follow the text's style
        self.cfg = cfg
        self.tokens: list[Token] = tokenize(text, urls=cfg.protect_urls, numbers=cfg.protect_numbers)
        # the science domain (issue 12): the tortured table's fingerprints and the unlisted
        # tortured phrases of textfix.science, for a text read as a science paper
        self.science = _science_on(cfg, self.tokens)
        if self.science and "tortured" not in cfg.tables:
            cfg = self.cfg = cfg.replace(tables=("tortured", *cfg.tables))
        self.scorer = get_scorer(cfg.scorer)
        self.lex = lexicon(cfg.tables) if profile is None else _profile_lexicon(profile, cfg.tables)
        toks = self.tokens
        # every token that may change: words, plain numbers, and mixed ones the figure rule let
        # through ("1000’s", a spinner's "thousands")
        eligible = [t.fixed is None for t in toks]
        self.matches: list[Match] = find_matches(toks, self.lex, eligible) if toks else []
        known, vf = self.scorer._known, self.scorer.vocab_form
        self.vocab = [known[t.norm] if t.norm in known else vf(t.norm) for t in toks]
        self.chunks = chunks(toks)
        self._chunk_of: list[int] = []
        for ci, ch in enumerate(self.chunks):
            self._chunk_of.extend([ci] * (ch.end - ch.start))
        self.gains: dict[int, list[float]] = {}
        self.mean_weight: dict[str, float] = {}  # per CHANNEL_TABLES table, set by decide()
        # Document evidence from one occurrence of each distinct spun phrase (overlapping matches
        # are one piece of evidence: "final 12 months" counts, not also "final" and "12 months"):
        # every curated one,
        # and an even sample of at most SAMPLE_SITES thesaurus-only ones, judged on their
        # EVIDENCE_CANDIDATES likeliest originals and each standing for its share. That is enough
        # to judge a document and keeps spin_score's cost bounded; decide() scores every
        # occurrence, and only in a document that may be spun.
        self._evidence_matches = self._without_evidence_tables(self.matches)
        self._thes_only = {id(m) for m in self.matches if _thesaurus_only(m.candidates)}
        if self._evidence_matches is not self.matches:
            self._thes_only.update(id(m) for m in self._evidence_matches if _thesaurus_only(m.candidates))
        self._regions = {id(m): self._find_region(m) for m in self.matches}
        if self._evidence_matches is not self.matches:
            self._regions.update((id(m), self._find_region(m)) for m in self._evidence_matches)
        firsts: dict[tuple, Match] = {}
        self._occurrences: dict[tuple, int] = {}
        for m in _longest_first(self._evidence_matches):
            key = (m.spun, self._regions[id(m)])
            firsts.setdefault(key, m)
            self._occurrences[key] = self._occurrences.get(key, 0) + 1
        thes = [m for m in firsts.values() if self._thesaurus_only(m)]
        curated = [m for m in firsts.values() if not self._thesaurus_only(m)]
        step = max(1.0, len(thes) / sample_sites)
        sample = [thes[int(k * step)] for k in range(min(len(thes), sample_sites))]
        # a sampled match stands for at most MAX_STANDS_FOR others: a long clean article with two
        # unlucky draws must not look spun (the fluency term covers long documents well)
        weight = min(step, MAX_STANDS_FOR)
        items = [(m, 1.0, None) for m in curated] + [(m, weight, EVIDENCE_CANDIDATES) for m in sample]
        if self.gain_cache is None and getattr(self.scorer, "compiled", False) and items:
            self.sites = self._sites_compiled(items)
        else:
            self.sites = [self._site(m, w, n) for m, w, n in items]
        n_body = n_quote = n_name = 0
        body: list[str] = []  # the body's words, for a profile's channel evidence
        for t in toks:
            if t.fixed is not None or not t.is_word:
                continue
            if t.name_like:
                n_name += 1
            elif t.in_quote:
                n_quote += 1
            else:
                n_body += 1
                if profile is not None:
                    body.append(t.norm)
        self.channel_llr = self._channel_llr(body) if profile is not None else None
        self.evidence: Evidence = evaluate(text, n_body, n_quote, n_name, self.sites,
                                           adaptive=cfg.adaptive_protection, fluency=self._fluency(),
                                           channel=self.channel_llr)
        if self.science and cfg.science is None:
            self.evidence = dataclasses.replace(self.evidence, notes=(
                *self.evidence.notes, "read as a science paper (its vocabulary or its listed tortured phrases): "
                                      "the tortured-phrase table is on (domains='news' turns it off)"))
        # the per-table spin rates decoding uses: the evidence's, until decide() has scored every
        # thesaurus match and re-estimated that table's rate from all of them
        self.decode_rates: dict[str, float] = dict(self.evidence.table_rates)
        for table in NO_EVIDENCE_TABLES:
            self.decode_rates.pop(table, None)  # decide() estimates it from all their matches

    def _without_evidence_tables(self, matches: list[Match]) -> list[Match]:
        """The matches as the document evidence sees them: without the candidates of
        NO_EVIDENCE_TABLES lighter than EVIDENCE_MIN_WEIGHT, and without the matches that have no
        other candidates."""
        if not NO_EVIDENCE_TABLES.intersection(self.cfg.tables):
            return matches
        out = []
        for m in matches:
            cands = _evidence_candidates(m.candidates)
            if cands is m.candidates:
                out.append(m)
            elif cands:
                out.append(Match(m.i, m.j, m.spun, cands))
        return out

    def _channel_llr(self, body: list[str]) -> float:
        """log10 odds that this text was rewritten by the profile's spinner: its prior (the share
        of spun texts it was learned from) plus the evidence of the body words, each output of
        the spinner's dictionary for it and each of its originals (all but gone in its texts)
        against. A clean article of a mixed folder keeps its "said"s."""
        p = self.profile
        assert p is not None
        spun_llr, orig_llr = p.signature_cached()
        share = min(0.99, max(0.01, p.spun_share))
        llr = math.log10(share / (1.0 - share))
        for w in body:
            llr += spun_llr.get(w, 0.0) + orig_llr.get(w, 0.0)
        return llr

    def _fluency(self) -> tuple[float, float]:
        """(number, mean PMI with their context) of the body's content words: see fluency_llr.

        The number is scaled down for text whose vocabulary the news model does not know (more
        than OOV_NEWS of its words out of vocabulary, none of it at OOV_FOREIGN): a manual or a
        licence fits a news model badly whether or not it was spun."""
        sc = self.scorer
        logp, unigram = sc.logp, sc.unigram
        total = 0.0
        n = 0
        toks, vocab = self.tokens, self.vocab
        for ch in self.chunks:
            p2, p1 = (None, "<s>") if ch.bos else (None, None)
            for k in range(ch.start, ch.end):
                w = vocab[k]
                if w is None:
                    p2 = p1 = None
                    continue
                t = toks[k]
                if p1 is not None and t.is_word and not t.name_like and not t.in_quote:
                    u = unigram(w)
                    if u < CONTENT_WORD_MAX_LOGP:
                        total += logp(w, p1, p2) - u
                        n += 1
                p2, p1 = p1, w
        words = oov = 0
        for t, w in zip(toks, vocab):
            if t.is_word and t.fixed is None:
                words += 1
                oov += w is None
        share = oov / words if words else 0.0
        in_domain = min(1.0, max(0.0, (OOV_FOREIGN - share) / (OOV_FOREIGN - OOV_NEWS)))
        return n * in_domain, (total / n if n else 0.0)

    def _find_region(self, m: Match) -> str:
        if m.j - m.i == 1:  # most matches are one word
            t = self.tokens[m.i]
            return "name" if t.name_like else "quote" if t.in_quote else "body"
        toks = self.tokens[m.i:m.j]
        return "name" if any(t.name_like for t in toks) else "quote" if any(t.in_quote for t in toks) else "body"

    def _region(self, m: Match) -> str:
        r = self._regions.get(id(m))
        return r if r is not None else self._find_region(m)

    def _alone(self, m: Match) -> bool:
        """A one-word match that is a whole chunk ("However," at a sentence start): no word of
        context on either side, so the model could only compare the words' frequencies, which
        is no evidence of spinning."""
        if m.j - m.i != 1:
            return False
        ch = self.chunks[self._chunk_of[m.i]]
        return ch.start == m.i and ch.end == m.j

    def _thesaurus_only(self, m: Match) -> bool:
        return id(m) in self._thes_only

    def _site(self, m: Match, stands_for: float = 1.0, n: int | None = None) -> Site:
        """The evidence of match ``m`` (judged on its first ``n`` candidates only, if given: a
        sample site, which then stands for a Match of those candidates)."""
        toks = self.tokens
        region = self._region(m)
        chunk = self.chunks[self._chunk_of[m.i]]
        gains = candidate_gains(self.scorer, toks, chunk, m, self.vocab, self.gain_cache, n)
        log_weights = _log_weights(m.candidates, self.profile, m.spun)
        return self._site_of(m, [g + w for g, w in zip(gains, log_weights)], region, stands_for, n)

    def _site_of(self, m: Match, weighted: list[float], region: str, stands_for: float, n: int | None) -> Site:
        """The Site of match ``m`` (as judged on its first ``n`` candidates) from its weighted
        candidate gains, which are kept for decoding."""
        toks = self.tokens
        if n is not None:
            m = Match(m.i, m.j, m.spun, m.candidates[:n])
        self.gains[id(m)] = weighted
        # "a uncommon": the article fits a candidate and not the word on the page (article_logodds
        # is 0 unless an "a"/"an" comes right before)
        article_tell = not toks[m.i].cap and m.i > 0 and toks[m.i - 1].norm in ("a", "an") \
            and toks[m.i].joined_prev and any(article_logodds(toks, m, c) > 0 for c, _ in m.candidates)
        multi = len(m.spun) > 1 and any(t not in DISCOUNTED for _, t in m.candidates)
        occurrences = self._occurrences.get((m.spun, region), 1)
        return Site(m, max(weighted), region, multi, article_tell, m.candidates[0][1], stands_for, occurrences)

    def _sites_compiled(self, items: list[tuple[Match, float, int | None]]) -> list[Site]:
        """``[self._site(m, stands_for, n) for m, stands_for, n in items]``, their gains from one C
        call (``_fastlm.LM.site_gains``: candidate_gains and the weights added, in the same
        operations), for a text scored without a gain cache."""
        toks, scorer = self.tokens, self.scorer
        specs = []
        for m, _, n in items:
            chunk = self.chunks[self._chunk_of[m.i]]
            lo, hi = max(chunk.start, m.i - 2), min(chunk.end, m.j + 2)
            cands = m.candidates
            k = len(cands) if n is None else min(n, len(cands))
            forms, unis = _cand_info(scorer, cands, k)
            arts = None
            if m.i > 0 and toks[m.i - 1].norm in ("a", "an") and toks[m.i].joined_prev:
                arts = [article_logodds(toks, m, cands[c][0]) for c in range(k)]
            specs.append((lo, m.i, m.j, hi, lo == chunk.start and chunk.bos, hi == chunk.end and chunk.eos, forms,
                          unis, _log_weights(cands, self.profile, m.spun), arts, k))
        gains = scorer._fast.site_gains(self.vocab, specs, "<s>", LENGTH_COST, FREQ_DISCOUNT)
        return [self._site_of(m, weighted, self._region(m), stands_for, n)
                for (m, stands_for, n), weighted in zip(items, gains)]

    # -- decisions -------------------------------------------------------------------------
    def protections(self) -> tuple[bool, bool]:
        ev = self.evidence
        quotes = self.cfg.protect_quotes and not ev.lift_quotes
        names = self.cfg.protect_names and not ev.lift_names
        return quotes, names

    @property
    def quote_factor(self) -> float:
        """What a quoted phrase's prior is multiplied by: the belief that the quotes were spun as
        the body was (Evidence.quote_belief) with adaptive protection, 0 (never edited) when quotes
        are protected outright, 1 when they are not protected."""
        if not self.cfg.protect_quotes:
            return 1.0
        if not (self.cfg.adaptive_protection and self.cfg.document_gating):
            return 0.0
        return self.evidence.quote_belief

    def rate(self, table: str) -> float:
        """Prior share of this table's matches the spinner made, for this document."""
        if not self.cfg.document_gating:
            return RATE_UNGATED
        if table == "profile" and self.channel_llr is not None:
            # the profile's rows are this spinner's outputs: the prior is the chance that this
            # text is one of its, from the channel evidence
            x = max(-30.0, min(30.0, self.channel_llr))
            return min(RATE_SPUN, max(RATE_CLEAN, 1.0 / (1.0 + 10.0 ** -x)))
        # log-linear between the clean rate and the document's estimated rate, by spin score:
        # a doubtful document stays cautious
        r = self._gated(self.decode_rates.get(table, self.evidence.rate))
        prior = SPINNER_PRIORS.get(table)
        if prior is not None:
            # the table is one spinner's: its rate counts as far as the document is that spinner's
            x = math.log10(prior / (1.0 - prior)) + self.evidence.table_llrs.get(table, 0.0)
            r *= 1.0 / (1.0 + 10.0 ** -max(-30.0, min(30.0, x)))
        return r

    def _gated(self, est: float) -> float:
        s = self.evidence.edit_score
        est = min(RATE_SPUN, max(RATE_CLEAN, est))
        return RATE_CLEAN * (est / RATE_CLEAN) ** s

    def decide(self) -> list[Edit]:
        if not self.matches:
            return []
        quotes, names = self.protections()
        toks = self.tokens
        # quoted words are decoded too unless quotes are protected outright: their priors carry
        # the belief that the quotes were spun (quote_factor)
        ok = [t.protection(self.quote_factor == 0.0, names) is None for t in toks]
        free = [m for m in self.matches if all(ok[m.i:m.j])]
        if names:
            free.extend(self._spun_names(ok, quotes))
        fingerprints = [m for m in free if any(tb in FINGERPRINTS for _, tb in m.candidates)] \
            if FINGERPRINTS.intersection(self.cfg.tables) else []
        edits = self._fingerprints(fingerprints)
        if self.science and self._is_paper_mill():
            edits.extend(self._unlisted(ok, edits))
        if self.evidence.edit_score >= FULL_SCORING_MIN or not self.cfg.document_gating:
            # a document that may be spun: score every occurrence, re-estimate the thesaurus
            # rate from all of them, and decode
            thesaurus_sites = []
            free_ids = {id(m) for m in free}
            for m in self.matches:
                # a protected match is never decoded: only the free ones need their gains
                # (every body match is free)
                site = self._site(m) if id(m) in free_ids and id(m) not in self.gains else None
                if site is not None and site.region == "body" and self._thesaurus_only(m):
                    thesaurus_sites.append(site)
            if thesaurus_sites:
                body = distinct_sites(thesaurus_sites)
                self.decode_rates["thesaurus"] = estimate_rate([x.gain for x in body])[0]
            # the tables that are (mostly) no evidence are decoded at the rate of all their body
            # matches, one per spun phrase (see NO_EVIDENCE_TABLES), and the mean weight of those
            # matches (CHANNEL_TABLES)
            quiet: dict[str, dict[tuple[str, ...], list[float]]] = {}
            quiet_w: dict[str, dict[tuple[str, ...], float]] = {}
            shipped = {t.name: t for t in self.lex.tables}
            for m in free:
                table = m.candidates[0][1]
                weight = None
                gains = self.gains[id(m)]
                if table == "profile":
                    # a shipped table's pair that the profile weighed again shadows that table's
                    # row (one candidate per wording): the match still counts for that table's
                    # rate, with the table's own weight in place of the profile's
                    c0 = m.candidates[0][0]
                    src = c0.source.removeprefix("learned-")
                    row = shipped.get(src) if src in NO_EVIDENCE_TABLES else None
                    ws = [c.weight for c in row.get(m.spun) if c.words == c0.words] if row is not None else []
                    if ws:
                        table, weight = src, ws[0]
                        gains = [gains[0] - _log_weight(c0.weight, "profile") + _log_weight(weight, src), *gains[1:]]
                if table in NO_EVIDENCE_TABLES and self._region(m) == "body":
                    quiet.setdefault(table, {}).setdefault(m.spun, []).append(max(gains))
                    quiet_w.setdefault(table, {})[m.spun] = weight if weight is not None else \
                        max(c.weight for c, tb in m.candidates if tb == table)
            for table, groups in quiet.items():
                self.decode_rates[table] = estimate_rate([sum(g) / len(g) for g in groups.values()])[0]
                ws = quiet_w[table].values()
                self.mean_weight[table] = sum(ws) / len(ws)
            taken = _Spans(edits)
            fp_ids = {id(m) for m in fingerprints}
            thesaurus_ok = self.evidence.edit_score >= THESAURUS_MIN_SCORE or not self.cfg.document_gating
            usable = [m for m in free if id(m) not in fp_ids and not self._alone(m)
                      and (thesaurus_ok or not self._thesaurus_only(m))
                      and not taken.overlaps(toks[m.i].start, toks[m.j - 1].end)]
            edits.extend(self._decode(usable))
            edits.extend(self._numerals(edits, quotes, names))
        edits.sort(key=lambda e: e.start)
        if edits and not self.evidence.lift_quotes and self.quote_factor < 1.0:
            quoted = {t.start for t in toks if t.in_quote}
            n = sum(1 for e in edits if e.start in quoted)
            if n:
                self.evidence = dataclasses.replace(self.evidence, notes=(
                    *self.evidence.notes, f"{n} quoted {'phrase' if n == 1 else 'phrases'} restored: the quotes "
                    f"may have been spun as well (P = {self.quote_factor:.2f}), and the context was clear"))
        return edits

    def _spun_names(self, ok: list[bool], quotes: bool) -> list[Match]:
        """The matches held back only by the name protection whose spun form a curated table
        lists, in a clearly spun document: new matches with those tables' candidates only (a
        thesaurus never licenses changing a name)."""
        if self.evidence.edit_score < SPUN_NAME_MIN_SCORE or not self.cfg.document_gating:
            return []
        out = []
        toks = self.tokens
        for m in self.matches:
            if all(ok[m.i:m.j]) or any(t.fixed is not None or (quotes and t.in_quote) for t in toks[m.i:m.j]):
                continue
            cands = tuple((c, tb) for c, tb in m.candidates if tb in NAME_TABLES)
            if cands:
                nm = Match(m.i, m.j, m.spun, cands)
                self._site(nm)  # its gains, for decoding
                out.append(nm)
        return out

    def _fingerprints(self, matches: list[Match]) -> list[Edit]:
        """Matches of a fingerprint table (tortured phrases) are edits on their own: the table's
        rows are specific enough, and a news-trained model knows little of the register they
        occur in. Longest match first; the model only ranks a fingerprint's originals."""
        fps = sorted(matches, key=lambda m: (-(m.j - m.i), m.i))
        used: list[tuple[int, int]] = []
        out: list[Edit] = []
        for m in fps:
            if any(i < m.j and j > m.i for i, j in used):
                continue
            ks = [k for k, (c, tb) in enumerate(m.candidates) if tb in FINGERPRINTS
                  and (c.source != CONTEXT_SOURCE or self._context_ok(m, c))]
            if not ks:
                continue
            if id(m) not in self.gains:
                self._site(m)
            g = self.gains[id(m)]
            top = max(g[k] for k in ks)
            mass = {k: 10 ** (g[k] - top) for k in ks}
            best = max(ks, key=lambda k: mass[k])
            conf = FINGERPRINT_CONFIDENCE * mass[best] / sum(mass.values())
            if conf < self.cfg.min_confidence:
                continue
            cand, table = m.candidates[best]
            used.append((m.i, m.j))
            out.append(self._edit(Choice(m, cand, table, math.inf, conf),
                                  "a known tortured phrase (Problematic Paper Screener list)"))
        return out

    def _context_ok(self, m: Match, c: Candidate) -> bool:
        """A fingerprint the list marks as needing context ("bosom" -> "breast") is an edit only
        in a text read as science, and only where its context confirms it: its original forms an
        established term with a neighbour ("bosom cancer"), or the text has other, context-free
        fingerprints (a paper-mill text: science.AUTO_FINGERPRINTS of them)."""
        if not self.science:
            return False
        from .science import context_confirmed

        return context_confirmed(self.tokens, m.i, m.j, c.words) or self._is_paper_mill()

    def _is_paper_mill(self) -> bool:
        """Does the text have science.AUTO_FINGERPRINTS distinct context-free listed tortured
        phrases? Only there are unlisted ones restored: the term evidence alone does not tell a
        tortured phrase from an ordinary one (on scikit-learn's user guide it flagged 43 phrases
        per 10,000 words, with the same term listings, swap ranks and model gains as the real
        ones; benchmarks/science.py, RESULTS.md issue 12)."""
        if self._paper_mill is None:
            from .science import AUTO_FINGERPRINTS, domain_evidence

            self._paper_mill = domain_evidence(self.tokens)[0] >= AUTO_FINGERPRINTS
        return self._paper_mill

    def _unlisted(self, ok: list[bool], edits: list[Edit]) -> list[Edit]:
        """Tortured phrases no list has (textfix.science.find_unlisted), outside ``edits``."""
        from .science import find_unlisted

        taken = _Spans(edits)
        free = [o and not taken.overlaps(t.start, t.end) for o, t in zip(ok, self.tokens)]
        out = []
        for f in find_unlisted(self.tokens, free, self.scorer):
            if f.confidence < self.cfg.min_confidence:
                continue
            ch = Choice(Match(f.i, f.j, f.spun, ()), Candidate(f.original, 1.0, "terms"), "science", math.inf,
                        f.confidence)
            out.append(self._edit(ch, f"no term as written; a thesaurus swap of its words gives the established "
                                      f"term {' '.join(f.original)!r} (term count {f.count}, next {f.runner_up})"))
        return out

    def _decode(self, usable: list[Match]) -> list[Edit]:
        """Joint decoding of the other matches, chunk by chunk."""
        if not usable:
            return []
        tables = (*self.cfg.tables, "profile") if self.profile is not None else self.cfg.tables
        bases = {t: math.log10(self.rate(t) / (1.0 - self.rate(t))) for t in tables}
        # a word the spinner put in several places: its occurrences are judged together (the
        # spinner swaps a word the same way throughout), shrunk towards the table's rate
        word_base: dict[tuple[str, ...], float] = {}
        if POOL_PRIOR > 0 and self.evidence.edit_score >= POOL_MIN_SCORE:
            groups: dict[tuple[str, ...], list[float]] = {}
            for m in usable:
                if self._thesaurus_only(m) and self._region(m) == "body":
                    groups.setdefault(m.spun, []).append(max(self.gains[id(m)]))
            table_rate = self.decode_rates.get("thesaurus", self.evidence.rate)
            for spun, gs in groups.items():
                if len(gs) >= 2:
                    r = (len(gs) * estimate_rate(gs)[0] + POOL_PRIOR * table_rate) / (len(gs) + POOL_PRIOR)
                    r = self._gated(r)
                    word_base[spun] = math.log10(r / (1.0 - r))

        uni, vf = self.scorer.unigram, self.scorer.vocab_form

        def freq_gap(m: Match, c: Candidate, table: str) -> float:
            # a profile row learned from a thesaurus link is a thesaurus word the folder vouches
            # for: its n-gram gain gets the same frequency discount
            if table == "profile" and c.source.endswith(("moby", "mythes", "wordnet")):
                k = FREQ_DISCOUNT
            else:
                k = FREQ_DISCOUNT if table in DISCOUNTED else TABLE_FREQ_DISCOUNT.get(table, 0.0)
            if not k:
                return 0.0
            return k * (sum(uni(vf(w)) for w in c.words) - sum(uni(vf(w)) for w in m.spun))
        # keep only the candidates that could win: local gain + prior within PRUNE of even odds;
        # the odds mass of candidates left out of the lattice still counts against an edit
        pruned: list[Match] = []
        left_out: dict[int, list[float]] = {}
        prior: dict[int, list[float]] = {}
        page = self._page_terms()

        def channel_prior(c: Candidate, tb: str) -> float:
            # see CHANNEL_TABLES
            wbar = self.mean_weight.get(tb)
            if not wbar:  # no body match of the table: its rate, as any other table's
                return bases[tb] + _log_weight(c.weight, tb)
            p = min(RATE_SPUN, max(RATE_CLEAN, self.rate(tb) * c.weight / wbar))
            return math.log10(p / (1.0 - p))
        qf = self.quote_factor

        def in_quote(x: float) -> float:
            # a quoted phrase: the prior odds of the spinner's change, times the belief that the
            # quotes were spun at all
            if qf >= 1.0:
                return x
            p = qf / (1.0 + 10.0 ** -x)
            return math.log10(p / (1.0 - p)) if p > 0.0 else -30.0
        for m in usable:
            g = self.gains[id(m)]
            table_base = {**bases, "thesaurus": word_base[m.spun]} if m.spun in word_base else bases
            quoted = self._region(m) == "quote"
            base = [(in_quote if quoted else float)(channel_prior(c, tb) if tb in CHANNEL_TABLES else table_base[tb])
                    + page(c, tb) for c, tb in m.candidates]
            odds = [gk + bk for gk, bk in zip(g, base)]
            order = sorted(range(len(g)), key=g.__getitem__, reverse=True)  # stable, like key=-g[k]
            keep = [k for k in order if odds[k] > -PRUNE][:MAX_CANDIDATES]
            if keep:
                nm = Match(m.i, m.j, m.spun, tuple(m.candidates[k] for k in keep))
                pruned.append(nm)
                # their local odds against the lattice's best candidate, each with its own
                # table's prior (a thesaurus word in a document whose thesaurus rate is low
                # weighs little against a curated phrase)
                top = odds[keep[0]]
                left_out[id(nm)] = [odds[k] - top for k in order if k not in keep]
                log_weights = _log_weights(m.candidates, self.profile, m.spun)
                # a channel table's weight is in its base already; what a profile adds stays
                prior[id(nm)] = [base[k] + log_weights[k] - (_log_weight(c.weight, tb) if tb in CHANNEL_TABLES else 0.0)
                                 - freq_gap(m, c, tb)
                                 + LENGTH_COST * (len(c.words) - len(m.spun))
                                 for k, (c, tb) in zip(keep, nm.candidates)]
        if not pruned:
            return []
        by_chunk: dict[int, list[Match]] = {}
        for m in pruned:
            by_chunk.setdefault(self._chunk_of[m.i], []).append(m)
        edits: list[Edit] = []
        for ci, ms in sorted(by_chunk.items()):
            for ch in decode_chunk(self.scorer, self.tokens, self.chunks[ci], ms, self.vocab, prior, left_out):
                k = CALIBRATION.get(ch.table, 1.0)
                if k != 1.0:
                    ch = Choice(ch.match, ch.candidate, ch.table, ch.margin, ch.confidence ** k)
                if ch.confidence >= self.cfg.min_confidence:
                    edits.append(self._edit(ch))
        return edits

    def _page_terms(self):
        """``page(candidate, table)``: the page-consistency log odds of a candidate of a table that
        has them (see _page_llr), else 0."""
        llrs = {t.name: _page_llr(t) for t in self.lex.tables}
        if not any(llrs.values()):
            return lambda c, tb: 0.0
        words = {t.norm for t in self.tokens if t.is_word}

        def page(c: Candidate, tb: str) -> float:
            llr = llrs.get(tb)
            if llr is None:
                return 0.0
            return llr[0] if all(w in words for w in c.words) else llr[1]
        return page

    def _numerals(self, edits: list[Edit], quotes: bool, names: bool) -> list[Edit]:
        """Spinners of this family swap numbers and words both ways: small numbers become digits
        ("the 2 officials", "5 months") and ordinals words ("the seventieth anniversary"). News
        style spells out two..nine and writes 10th and up as figures; in a clearly spun document,
        follow it again."""
        score = self.evidence.edit_score
        conf = NUMERAL_CONFIDENCE * score
        if not self.cfg.document_gating or conf < self.cfg.min_confidence:
            return []
        toks = self.tokens
        taken = _Spans(edits)
        out = []
        for i, t in enumerate(toks):
            if t.is_word and t.norm in _ORDINALS and not t.hyphened and t.protection(quotes, names) is None \
                    and not taken.overlaps(t.start, t.end) and t.text.islower():
                figure = _ORDINALS[t.norm]
                out.append(Edit(t.start, t.end, t.text, figure, conf, "rule:numerals",
                                f"spinners spell ordinals out; news style writes {figure!r} "
                                f"(document spin score {self.evidence.score:.2f})"))
                continue
            if not (t.is_number and len(t.text) == 1 and t.text in _NUMERALS) or i + 1 >= len(toks):
                continue
            nxt = toks[i + 1]
            if t.protection(quotes, names) is not None or not nxt.joined_prev or not nxt.is_word or nxt.cap \
                    or nxt.norm in _NUMBER_UNITS:
                continue
            if i > 0 and toks[i - 1].end == t.start - 1 and self.text[t.start - 1] in "-–/.,:$£€":
                continue
            if taken.overlaps(t.start, t.end):
                continue
            word = _NUMERALS[t.text]
            if t.sent_start:
                word = word.capitalize()
            out.append(Edit(t.start, t.end, t.text, word, conf, "rule:numerals",
                            f"spinners write small numbers as digits; news style spells out {word!r} "
                            f"(document spin score {self.evidence.score:.2f})"))
        return out

    def _edit(self, ch: Choice, reason: str = "") -> Edit:
        toks = self.tokens
        m = ch.match
        first, last = toks[m.i], toks[m.j - 1]
        start, end = first.start, last.end
        spun = self.text[start:end]
        new = ch.candidate.text
        if "’" in spun or ("'" not in spun and self._curly):
            new = new.replace("'", "’")
        if first.text.isupper() and len(first.text) > 1:
            new = new.upper()
        elif first.cap:
            new = new[:1].upper() + new[1:]
        source = f"{ch.table}:{ch.candidate.source}"
        reason = reason or (f"fits the context better by {ch.margin:.1f} log10 units "
                            f"(document spin score {self.evidence.score:.2f})")
        # a/an agreement with the restored word
        if m.i > 0:
            art = toks[m.i - 1]
            if art.norm in ("a", "an") and first.joined_prev and art.protection(*self.protections()) is None:
                an_needed = wants_an(ch.candidate.words[0])
                if (art.norm == "an") != an_needed and (art.norm == "an") == wants_an(m.spun[0]):
                    fixed_art = "an" if an_needed else "a"
                    if art.text[0].isupper():
                        fixed_art = fixed_art.capitalize()
                    new = fixed_art + self.text[art.end:start] + new
                    start = art.start
                    spun = self.text[start:end]
                    source += "+grammar:a-an"
        return Edit(start, end, spun, new, min(1.0, max(0.0, ch.confidence)), source, reason)


def _parts(text: str) -> list[tuple[int, int]]:
    """Spans covering ``text`` of at least PART_CHARS characters (the last at least half that),
    each ending at a paragraph break if there is one within twice that, else at a line end (a
    file of one article per line)."""
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start >= PART_CHARS + PART_CHARS // 2:
        lo = start + PART_CHARS
        m = PARAGRAPH_BREAK.search(text, lo, start + 2 * PART_CHARS)
        if m is not None:
            cut = m.end()
        else:
            nl = text.find("\n", lo)
            if nl < 0:
                break
            cut = nl + 1
        if n - cut < PART_CHARS // 2:
            break
        spans.append((start, cut))
        start = cut
    spans.append((start, n))
    return spans


def _documents(text: str, cfg: Config, gain_cache: dict | None, profile: Profile | None = None
               ) -> list[tuple[int, _Doc]]:
    """The documents ``text`` is judged as, with their offsets: the whole text, or, for a long text
    whose parts disagree (some clearly spun, some not), each run of agreeing parts.

    A short text, a text whose parts agree, and any text with document gating off is one document.
    """
    spans = _parts(text) if len(text) >= LONG_TEXT and cfg.document_gating else []
    if len(spans) > 1:
        runs = _runs(spans, [_Doc(text[a:b], cfg, gain_cache, PART_SAMPLE_SITES, profile).evidence.edit_score
                             for a, b in spans])
        if runs is not None:
            return [(a, _Doc(text[a:b], cfg, gain_cache, profile=profile)) for a, b in runs]
    return [(0, _Doc(text, cfg, gain_cache, profile=profile))]


def _runs(spans: list[tuple[int, int]], scores: list[float]) -> list[tuple[int, int]] | None:
    """The runs of agreeing parts (spans of the text) for parts of these edit scores, or None
    when the text stays one document: a part is spun at PART_SPUN, spun runs grow through their
    doubtful neighbours (PART_BRIDGE), and a text splits only if some parts are spun and some not."""
    spun = [x >= PART_SPUN for x in scores]
    grown = True
    while grown:  # spun runs grow through their doubtful neighbours
        grown = False
        for k, x in enumerate(scores):
            if not spun[k] and x >= PART_BRIDGE and any(spun[j] for j in (k - 1, k + 1) if 0 <= j < len(spun)):
                spun[k] = grown = True
    if not any(spun) or all(spun):
        return None
    runs: list[list[int]] = []
    for k in range(len(spans)):
        if runs and spun[runs[-1][-1]] == spun[k]:
            runs[-1].append(k)
        else:
            runs.append([k])
    return [(spans[r[0]][0], spans[r[-1]][1]) for r in runs]


def _scan_score(text: str, cfg: Config) -> float | None:
    """spin_score by the scan (textfix.scan) where it is sure, by the full pass where not, a long
    text judged in parts as _documents judges it; None for a science paper (the full pass)."""

    def evidence(part: str, sample_sites: int, verdict: str) -> Evidence | None:
        ev = scan.scan_evidence(part, cfg)
        if ev is not None and not scan.decided(ev, verdict):
            ev = _Doc(part, cfg, gain_cache, sample_sites).evidence
        return ev

    gain_cache: dict = {}
    spans = _parts(text) if len(text) >= LONG_TEXT and cfg.document_gating else []
    if len(spans) > 1:
        parts = [evidence(text[a:b], PART_SAMPLE_SITES, "edit_score") for a, b in spans]
        if any(ev is None for ev in parts):
            return None
        runs = _runs(spans, [ev.edit_score for ev in parts])  # type: ignore[union-attr]
        if runs is not None:
            evs = [evidence(text[a:b], SAMPLE_SITES, "score") for a, b in runs]
            if any(ev is None for ev in evs):
                return None
            # _verdict: the runs' length-weighted mean
            return sum(ev.score * (b - a) for ev, (a, b) in zip(evs, runs)) / len(text)  # type: ignore[union-attr]
    ev = evidence(text, SAMPLE_SITES, "score")
    return None if ev is None else ev.score


def _decide(text: str, cfg: Config, gain_cache: dict, profile: Profile | None = None
            ) -> tuple[list[Edit], list[tuple[int, _Doc]]]:
    """One pass: every document of ``text`` decided, its edits in ``text``'s offsets."""
    docs = _documents(text, cfg, gain_cache, profile)
    edits: list[Edit] = []
    for offset, doc in docs:
        for e in doc.decide():
            edits.append(Edit(e.start + offset, e.end + offset, e.spun, e.original, e.confidence, e.source,
                              e.reason) if offset else e)
    return edits, docs


def _verdict(docs: list[tuple[int, _Doc]]) -> tuple[float, tuple[str, ...]]:
    """The spin score of a text judged as ``docs`` (their length-weighted mean) and their notes."""
    if len(docs) == 1:
        ev = docs[0][1].evidence
        return ev.score, ev.notes
    total = sum(len(d.text) for _, d in docs)
    score = sum(d.evidence.score * len(d.text) for _, d in docs) / total
    notes: list[str] = []
    for _, d in docs:
        notes.extend(n for n in d.evidence.notes if n not in notes)
    notes.append(f"judged in {len(docs)} parts: runs of paragraphs or lines that look spun and runs that do not "
                 f"(spin scores {', '.join(f'{d.evidence.score:.2f}' for _, d in docs)})")
    return score, tuple(notes)


def run(text: str, config: Config | None, options: dict[str, object], profile: Profile | None = None
        ) -> Explanation:
    text = _check_text(text)
    _check_profile(profile)
    cfg = resolve_config(config, options)
    if not text.strip():
        return Explanation(text, (), 0.0)
    # stage 0: look-alike letters of other scripts back to Latin; the rest reads the mapped text
    read, glyphs = homoglyph.read(text)
    sure = _surely_clean(read, cfg, profile) if not glyphs else None
    if sure is not None:
        return Explanation(text, (), sure)
    gain_cache: dict = {}
    final = cfg
    if cfg.check_model is not None:
        # the uncertain edits too, for the stronger model to weigh (textfix.context_model)
        from .context_model import BAND

        cfg = cfg.replace(min_confidence=min(cfg.min_confidence, BAND[0]))
    edits, docs = _decide(read, cfg, gain_cache, profile)
    score, notes = _verdict(docs)
    current = apply_edits(read, edits)
    for _ in range(MAX_PASSES - 1):
        if not edits:
            break
        more, _ = _decide(current, cfg, gain_cache, profile)
        if not more:
            break
        edits = compose_edits(read, edits, current, more)
        current = apply_edits(read, edits)
    if final.check_model is not None and edits:
        from .context_model import check

        edits = check(read, sorted(edits, key=lambda e: e.start), final.check_model, final.scorer,
                      final.min_confidence)
        current = apply_edits(read, edits)
    if glyphs:
        edits = compose_edits(text, glyphs, read, edits) if edits else glyphs
        score = homoglyph.combine(score, homoglyph.evidence(glyphs))
        notes = (*notes, f"{len(glyphs)} words written with look-alike letters of another script, "
                         "read as their Latin spelling")
    return Explanation(current, tuple(edits), score, notes)


def _surely_clean(read: str, cfg: Config, profile: Profile | None) -> float | None:
    """The scan's spin score of a text it is sure is clean, else None. Sure means: even at full
    density of suspicious phrases both its scores stay at most scan.DECIDED (0.01), far below
    FULL_SCORING_MIN, under which the full pass decodes nothing, so the full pass would make no
    edit; its own score lies between the scan's and the dense one (measured on 384 such texts of
    930, RESULTS.md issue 14: no edit, no note, scores within 0.0098). Not for a profile (its
    channel evidence), long texts (judged in parts), fingerprint tables (edits on their own) or
    science papers (the scan does not judge them)."""
    if (profile is not None or not cfg.document_gating or len(read) >= LONG_TEXT or not scan.usable(cfg)
            or FINGERPRINTS.intersection(cfg.tables)):
        return None
    ev = scan.scan_evidence(read, cfg)
    if ev is None or max(ev.dense_score, ev.dense_edit_score) > scan.DECIDED:
        return None
    return ev.score


def score_document(text: str, config: Config | None, options: dict[str, object],
                   profile: Profile | None = None) -> float:
    text = _check_text(text)
    _check_profile(profile)
    cfg = resolve_config(config, options)
    if not text.strip():
        return 0.0
    text, glyphs = homoglyph.read(text)
    # the scan (textfix.scan: the same evidence from one pass without the thesaurus sample, and the
    # full pass where that leaves the verdict open); a profile's channel evidence and a science
    # paper's tortured phrases need the full pass
    score = _scan_score(text, cfg) if profile is None and scan.usable(cfg) else None
    if score is None:
        score = _full_score(text, cfg, profile)
    return homoglyph.combine(score, homoglyph.evidence(glyphs)) if glyphs else score


def _full_score(text: str, cfg: Config, profile: Profile | None = None) -> float:
    """The spin score of the full pass (``explain``'s), of a text read already (benchmarks/scan.py
    compares the scan with it)."""
    # a long text's parts and runs share their sites' scores; a short text is scored once
    gain_cache: dict | None = {} if len(text) >= LONG_TEXT else None
    return _verdict(_documents(text, cfg, gain_cache, profile))[0]
