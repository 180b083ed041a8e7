"""Stage 4: decide which spun phrases to restore, jointly, as a best path through a lattice.

A *chunk* is a run of tokens with only spaces between them (punctuation breaks the n-gram
context). Inside a chunk every table match offers arcs: keep the spun words, or emit one of the
candidate originals. Arcs are scored by the language model plus a prior (how often this
document's spinner replaces a word, times how plausible the table says the candidate is), and
the best path is found with a beam Viterbi whose state is the last two words. An edit's
confidence is the posterior odds of the best path against the same path with that edit undone
(or with the phrase's next-best candidate).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .scoring import Scorer
from .tables import Candidate, Lexicon
from .tokens import Token

__all__ = ["Match", "Chunk", "find_matches", "chunks", "decode_chunk", "candidate_gains", "Choice", "article_logodds",
           "wants_an", "ARTICLE_LOGODDS"]

#: how much of the unigram frequency difference between a candidate and the page's word is taken
#: out of the n-gram gain: an n-gram model prefers common words anywhere, but a spun word is one
#: that fits its context worse than its own frequency predicts (1.0 = pure association, 0 = raw LM)
FREQ_DISCOUNT = 0.7
#: log10 probability of a typical word in context: a candidate with fewer words than the page's
#: phrase is charged this for each word it saves (n-gram scores fall with every word)
LENGTH_COST = 1.0
#: the tables whose candidates get that discount (curated spinner phrases are known outputs)
DISCOUNTED = frozenset({"thesaurus"})
#: log10 odds added (removed) when a candidate agrees (disagrees) with a preceding "a"/"an"
#: that the spun word disagrees (agrees) with: spinners keep the original's article.
ARTICLE_LOGODDS = 2.0
BEAM = 8


@dataclass(frozen=True, slots=True)
class Match:
    """Tokens ``i..j-1`` form a phrase that a table knows as a spinner output."""

    i: int
    j: int
    spun: tuple[str, ...]
    candidates: tuple[tuple[Candidate, str], ...]  # (candidate, table name)


@dataclass(frozen=True, slots=True)
class Chunk:
    """Tokens ``start..end-1`` scored as one n-gram sequence."""

    start: int
    end: int
    bos: bool
    eos: bool


@dataclass(frozen=True, slots=True)
class Choice:
    """A chosen candidate for a match, with the log10 margin that is its confidence."""

    match: Match
    candidate: Candidate
    table: str
    margin: float        # log10 posterior odds against the best alternative
    confidence: float


@functools.lru_cache(maxsize=8192)
def wants_an(word: str) -> bool:
    """Does ``word`` take "an" rather than "a"? (by its first sound, approximately; memoised: it is
    asked for every candidate after an "a"/"an")"""
    w = word.lower()
    if not w:
        return False
    if w.startswith(("hour", "honest", "honor", "honour", "heir")):
        return True
    if w.startswith(("uni", "use", "usu", "uti", "ura", "ure", "uro", "euro", "eu", "one", "once", "ewe",
                     "ubiq", "u.s", "uk")):
        return False
    if w[0].isdigit():
        return w.startswith(("8", "11", "18")) and not w.startswith(("800", "8000"))
    return w[0] in "aeiou"


def find_matches(tokens: Sequence[Token], lex: Lexicon, free: Sequence[bool]) -> list[Match]:
    """Every table phrase that occurs on free tokens, joined by spaces only."""
    out: list[Match] = []
    append = out.append
    n = len(tokens)
    first = lex.first_words
    prefixes = lex.prefixes
    lookup = lex.lookup
    for i, t in enumerate(tokens):
        norm = t.norm
        if norm not in first or not free[i] or t.hyphened:
            continue
        if not t.is_number:
            key = (norm,)
            cands = lookup(key)
            if cands:
                append(Match(i, i + 1, key, cands))
        if norm not in prefixes:
            continue  # no longer phrase starts with it (most words)
        phrase = norm
        words = [norm]
        j = i + 1
        while phrase in prefixes and j < n:
            u = tokens[j]
            if not free[j] or not u.joined_prev or u.sent_start or u.hyphened or u.newline_before:
                break  # a phrase never spans punctuation, a sentence end or a line break
            words.append(u.norm)
            phrase = phrase + " " + u.norm
            j += 1
            key = tuple(words)
            cands = lookup(key)
            if cands:
                out.append(Match(i, j, key, cands))
    return out


def chunks(tokens: Sequence[Token]) -> list[Chunk]:
    """Split tokens into n-gram chunks at punctuation and sentence ends."""
    out: list[Chunk] = []
    start = 0
    for k in range(1, len(tokens) + 1):
        if k == len(tokens) or not tokens[k].joined_prev or tokens[k].sent_start:
            out.append(Chunk(start, k, tokens[start].sent_start, tokens[k - 1].sent_end))
            start = k
    return out


def article_logodds(tokens: Sequence[Token], m: Match, cand: Candidate) -> float:
    """log10 odds a preceding "a"/"an" gives ``cand`` over the page's words (spinners keep the
    original's article: "a uncommon" points to "rare")."""
    if m.i == 0:
        return 0.0
    art = tokens[m.i - 1]
    if art.norm not in ("a", "an") or not tokens[m.i].joined_prev:
        return 0.0
    an = art.norm == "an"
    spun_ok = wants_an(m.spun[0]) == an
    cand_ok = wants_an(cand.words[0]) == an
    if cand_ok and not spun_ok:
        return ARTICLE_LOGODDS
    if spun_ok and not cand_ok:
        return -ARTICLE_LOGODDS
    return 0.0


#: entries kept in the per-candidate-list memos before they are emptied (memory stays bounded)
MEMO_ENTRIES = 4_000
#: per candidate list (by identity; the lexicon keeps one tuple per spun phrase): what
#: candidate_gains needs of each candidate, computed once, as far as it was needed
_CAND_INFO: dict[int, tuple] = {}


def _cand_info(scorer: Scorer, candidates: tuple, n: int) -> tuple[list, list]:
    """``(vocab forms of each candidate, their unigram log10 sums or None if not discounted)`` of at
    least the first ``n`` candidates."""
    hit = _CAND_INFO.get(id(candidates))
    if hit is not None and hit[0] is candidates and hit[1] is scorer:
        forms, unis = hit[2], hit[3]
        if len(forms) >= n:
            return forms, unis
    else:
        forms, unis = [], []
        if len(_CAND_INFO) > MEMO_ENTRIES:
            _CAND_INFO.clear()
        _CAND_INFO[id(candidates)] = (candidates, scorer, forms, unis)
    vf, uni = scorer.vocab_form, scorer.unigram
    for c, table in candidates[len(forms):n]:
        words = c.words
        cw = (vf(words[0]),) if len(words) == 1 else tuple(vf(w) for w in words)
        forms.append(cw)
        unis.append(sum(uni(w) for w in cw) if table in DISCOUNTED else None)
    return forms, unis


def candidate_gains(scorer: Scorer, tokens: Sequence[Token], chunk: Chunk, m: Match,
                    vocab: Sequence[str | None], cache: dict | None = None, n: int | None = None
                    ) -> list[float]:
    """log10 LM gain of replacing match ``m`` by each of its candidates (the first ``n`` only, if
    given), everything else as in the text, over the words whose trigram history the change
    touches, plus article evidence.

    ``cache`` (optional) memoises gains by the words around the match, so a second pass over a
    restored text recomputes only the sites next to an edit (and a site first scored on a few
    candidates only scores the rest later).
    """
    lo = max(chunk.start, m.i - 2)
    hi = min(chunk.end, m.j + 2)
    bos = lo == chunk.start and chunk.bos
    left = tuple(vocab[lo:m.i])
    right = tuple(vocab[m.j:hi])
    eos = hi == chunk.end and chunk.eos
    art = tokens[m.i - 1].norm if m.i > 0 and tokens[m.i - 1].norm in ("a", "an") and tokens[m.i].joined_prev \
        else None
    cands = m.candidates
    n = len(cands) if n is None else min(n, len(cands))
    key = (left, m.spun, right, bos, eos, art, len(cands))
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        out = hit[1]
        if len(out) >= n:
            return out[:n]
        base = hit[0]
    if bos:
        p2, p1 = None, "<s>"
    else:
        p2 = p1 = None
    for w in left:
        p2, p1 = (p1, w) if w is not None else (None, None)
    spun_words = tuple(vocab[m.i:m.j])
    forms, unis = _cand_info(scorer, cands, n)
    if hit is None:
        k0 = 0
        base, gains = scorer.gains(forms[:n], unis[:n], spun_words, right, p2, p1, eos, None, LENGTH_COST,
                                   FREQ_DISCOUNT)
        out = []
    else:
        k0 = len(out)
        _, gains = scorer.gains(forms[k0:n], unis[k0:n], spun_words, right, p2, p1, eos, base, LENGTH_COST,
                                FREQ_DISCOUNT)
    if art:
        for k, g in enumerate(gains, k0):
            out.append(g + article_logodds(tokens, m, cands[k][0]))
    else:
        out.extend(gains)
    if cache is not None and hit is None:
        if len(cache) > 100_000:
            cache.clear()
        cache[key] = (base, out)
    return out[:n] if n < len(out) else out


def decode_chunk(scorer: Scorer, tokens: Sequence[Token], chunk: Chunk, matches: Sequence[Match],
                 vocab: Sequence[str | None], prior: dict[int, list[float]],
                 left_out: dict[int, list[float]] | None = None) -> list[Choice]:
    """Best path through the chunk's lattice; returns the chosen candidates with confidences.

    ``prior[id(match)]`` gives each candidate's log10 prior odds against keeping the spun words;
    ``left_out[id(match)]`` the local log10 odds, relative to the match's best candidate, of
    candidates that were pruned from the lattice (they still count against an edit).
    """
    by_start: dict[int, list[Match]] = {}
    for m in matches:
        by_start.setdefault(m.i, []).append(m)
    cand_words = {id(m): [[scorer.vocab_form(w) for w in c.words] for c, _ in m.candidates] for m in matches}
    arts = {id(m): [article_logodds(tokens, m, c) for c, _ in m.candidates] for m in matches}

    start_state: tuple[str | None, str | None] = (None, "<s>") if chunk.bos else (None, None)
    score_seq = scorer.score

    def viterbi() -> list[tuple[Match, int]]:
        """The best path's chosen arcs: (match, candidate index)."""
        # beams[pos] = {state: (score, path)}
        beams: dict[int, dict[tuple[str | None, str | None], tuple[float, tuple]]] = {
            chunk.start: {start_state: (0.0, ())}}
        for pos in range(chunk.start, chunk.end):
            beam = beams.pop(pos, None)
            if not beam:
                continue
            if len(beam) > BEAM:
                beam = dict(sorted(beam.items(), key=lambda kv: -kv[1][0])[:BEAM])
            arcs: list[tuple[int, list[str | None], float, tuple[Match, int] | None]] = [
                (pos + 1, [vocab[pos]], 0.0, None)]
            for m in by_start.get(pos, ()):
                for ci in range(len(m.candidates)):
                    arcs.append((m.j, cand_words[id(m)][ci], prior[id(m)][ci] + arts[id(m)][ci], (m, ci)))
            for state, (score, path) in beam.items():
                for nxt, words, bonus, tag in arcs:
                    s, q2, q1 = score_seq(words, state[0], state[1])
                    st = (q2, q1)
                    total = score + s + bonus
                    newpath = path + (tag,) if tag is not None else path
                    slot = beams.setdefault(nxt, {})
                    old = slot.get(st)
                    if old is None or total > old[0]:
                        slot[st] = (total, newpath)
        final = beams.get(chunk.end, {})
        best_score = -math.inf
        best_path: tuple = ()
        for (p2, p1), (score, path) in final.items():
            if chunk.eos:
                score += scorer.logp("</s>", p1, p2)
            if score > best_score:
                best_score, best_path = score, path
        return list(best_path)

    path = viterbi()
    if not path:
        return []

    def path_score(chosen: dict[int, tuple[Match, int]]) -> float:
        # the score of one fixed path: chosen arcs by start position, the page's words elsewhere
        words: list[str | None] = []
        bonus = 0.0
        pos = chunk.start
        while pos < chunk.end:
            arc = chosen.get(pos)
            if arc is None:
                words.append(vocab[pos])
                pos += 1
            else:
                m, ci = arc
                words.extend(cand_words[id(m)][ci])
                bonus += prior[id(m)][ci] + arts[id(m)][ci]
                pos = m.j
        return scorer.score(words, start_state[0], start_state[1], chunk.eos)[0] + bonus

    on_path = {m.i: (m, ci) for m, ci in path}
    best = path_score(on_path)
    choices: list[Choice] = []
    for m, ci in path:
        # alternatives: the same path with this match undone, or with another candidate of it
        others = {k: v for k, v in on_path.items() if k != m.i}
        alts = [path_score(others)]
        for k in range(len(m.candidates)):
            if k != ci:
                alts.append(path_score({**others, m.i: (m, k)}))
        denom = 1.0 + sum(10 ** max(-30.0, min(30.0, a - best)) for a in alts)
        if left_out and ci == 0:
            denom += sum(10 ** max(-30.0, d) for d in left_out.get(id(m), ()))
        margin = best - max(alts)
        cand, table = m.candidates[ci]
        choices.append(Choice(m, cand, table, margin, 1.0 / denom))
    return choices
