"""Science papers: the science domain, and tortured phrases that no list has.

Paper mills ran a sense-blind synonym spinner over papers ("profound learning" for "deep
learning"). The Problematic Paper Screener's fingerprints (``wordlists/tortured.tsv``) catch the
listed ones; this module proposes originals for the others with the same machinery as news (a
reverse thesaurus per word, inflection kept) and ranks them by how established each candidate is
as a scientific term: "deep learning" is a frequent term, "profound learning" is not.

Term statistics (:func:`terms`) are n-gram counts of scientific and technical text read at run
time, never shipped (see ``wordlists/README.md``, *Science terms*):

- the originals of the tortured-phrase table in use (its phrases are the terms papers use;
  CC BY 4.0, Problematic Paper Screener);
- WordNet 3.0 (Debian ``wordnet-base``, WordNet licence): multi-word lemmas and glosses;
- FOLDOC, the Free On-line Dictionary of Computing (Debian ``dict-foldoc``, GFDL 1.1+): its
  headwords and definitions, read from the installed package only.

The candidate originals of a word come from the shipped Moby table (``thesaurus``) and, when
installed, MyThes (Debian ``mythes-en-us``) and WordNet, in both directions, re-inflected with
lemminflect (:mod:`textfix.thesauri`). Everything is loaded on first use and the parsed sources are
cached like the tables.
"""
from __future__ import annotations

import functools
import gzip
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from .thesauri import WORDNET_DIR, _cached, _source_stamp
from .tokens import Token

__all__ = ["Terms", "terms", "domain_evidence", "is_science", "word_candidates", "Finding", "find_unlisted",
           "context_confirmed"]

FOLDOC_DICT = Path(os.environ.get("TEXTFIX_FOLDOC", "/usr/share/dictd/foldoc.dict.dz"))

#: the longest n-gram counted (tortured phrases of 2-4 words are decided here; longer listed ones
#: are fingerprints)
MAX_N = 4

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")

#: words never substituted (on either side) in an unlisted phrase: a spinner of this kind swaps
#: content words ("a couple of" for "few" is a listed phrase, not a word swap)
FUNCTION_WORDS = frozenset("""
a about above after again against all almost also although am among an and another any are around
as at be because been before being below between both but by can cannot could did do does doing done
down during each either else even ever every for from further had has have having he her here hers
him his how however i if in into is it its itself just less let like may me might more most much must
my no nor not now of off on once one only onto or other our out over own per same shall she should
since so some such than that the their them then there therefore these they this those though
through thus to too under until up upon us very via was we were what when where whether which while
who whom whose why will with within without would yet you your across along among behind beneath
beside besides beyond despite hence thereby throughout unlike versus whereas whilst
""".split())


def _ngram_words(text: str) -> list[list[str]]:
    """Runs of lowercase words of ``text`` between punctuation (hyphens split words)."""
    out = []
    for piece in re.split(r"[.,;:!?()\[\]{}\"<>|=/\n]+|\s-\s", text.lower().replace("’", "'")):
        words = _WORD.findall(piece.replace("-", " "))
        if words:
            out.append(words)
    return out


class Terms:
    """Term statistics: ``listed(words)``, how many of the tortured table's originals contain the
    phrase (2+ words: the terms papers are known to have been spun from); ``count(words)``, how often the n-gram (1..MAX_N words) occurs in
    the sources' running text; ``is_prefix(words)``: a listed term of more words starts so."""

    def __init__(self, counts: dict[str, int], listed: dict[str, int], sources: tuple[str, ...]) -> None:
        self.counts = counts
        self.listed_terms = listed
        self.sources = sources
        prefixes: set[str] = set()
        for k in listed:
            while " " in k:
                k = k.rpartition(" ")[0]
                if k in prefixes:
                    break
                prefixes.add(k)
        self.prefixes = frozenset(prefixes)

    def count(self, words: Sequence[str]) -> int:
        return self.counts.get(" ".join(words), 0)

    def listed(self, words: Sequence[str]) -> int:
        return self.listed_terms.get(" ".join(words), 0)

    def is_prefix(self, words: Sequence[str]) -> bool:
        return " ".join(words) in self.prefixes


def _count_into(counts: dict[str, int], words: list[str], weight: int = 1) -> None:
    n_words = len(words)
    for n in range(1, MAX_N + 1):
        for i in range(n_words - n + 1):
            k = " ".join(words[i:i + n])
            counts[k] = counts.get(k, 0) + weight


def _wordnet_text() -> tuple[list[str], list[str]]:
    """WordNet's multi-word lemmas (each an established term) and its glosses."""
    lemmas: list[str] = []
    glosses: list[str] = []
    for pos in ("noun", "verb", "adj", "adv"):
        path = WORDNET_DIR / f"data.{pos}"
        with path.open(encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                head, _, gloss = line.partition(" | ")
                f = head.split()
                n = int(f[3], 16)
                for k in range(n):
                    lemma = f[4 + 2 * k]
                    if "_" in lemma:
                        lemmas.append(re.sub(r"\(.*\)$", "", lemma).replace("_", " "))
                glosses.append(gloss)
    return lemmas, glosses


def _foldoc_text() -> tuple[list[str], list[str]]:
    """FOLDOC's headwords (the unindented first line of an entry) and its entries' text."""
    with gzip.open(FOLDOC_DICT, "rt", encoding="utf-8", errors="replace") as fh:
        entries = re.split(r"\n\s*\n(?=\S)", fh.read())
    heads = [e.split("\n", 1)[0] for e in entries if e and not e.startswith(" ")]
    return heads, entries


def _external_counts() -> tuple[dict[str, int], dict[str, int], tuple[str, ...]]:
    """(text counts, listed terms, source names) of the installed external sources (WordNet,
    FOLDOC); text n-grams of two or more words are kept when seen at least twice."""
    parts: list[tuple[str, Path, object]] = []
    if (WORDNET_DIR / "data.noun").is_file():
        # WordNet's multi-word lemmas are general English ("press conference", "trial run"): its
        # lemmas and glosses count as running text (a phrase they attest is no tortured phrase),
        # never as listed science terms
        parts.append(("wordnet", WORDNET_DIR / "data.noun", lambda: ([], [*_wordnet_text()[0], *_wordnet_text()[1]])))
    if FOLDOC_DICT.is_file():
        parts.append(("foldoc", FOLDOC_DICT, _foldoc_text))
    if not parts:
        return {}, {}, ()
    stamp = "|".join(_source_stamp(p) for _, p, _ in parts) + f"|n{MAX_N}|v4"

    def build() -> tuple[dict[str, int], dict[str, int]]:
        counts: dict[str, int] = {}
        listed: dict[str, int] = {}
        for _, _, read in parts:
            heads, texts = read()  # type: ignore[operator]
            for text in texts:
                for words in _ngram_words(text):
                    _count_into(counts, words)
            # the headwords are running text too: as candidates, FOLDOC's 15,000 headwords made
            # ordinary phrases of scikit-learn's guide look tortured ("data matrix" -> "data
            # structure", "performance measure" -> "magic number"; benchmarks/science.py)
            for head in heads:
                for words in _ngram_words(head):
                    _count_into(counts, words)
        return {k: v for k, v in counts.items() if v >= 2 or " " not in k}, listed

    counts, listed = _cached("terms", stamp, build)
    return counts, listed, tuple(name for name, _, _ in parts)


@functools.cache
def terms() -> Terms:
    """The term statistics in use: the installed sources plus the originals of the tortured table
    (whichever ``tortured.tsv`` is in use, so a benchmark that holds rows out of the table holds
    them out of the terms too)."""
    from .tables import iter_rows, load_table

    counts, listed, sources = _external_counts()
    listed = dict(listed)
    seen: set[str] = set()
    for _, original, _, _ in iter_rows(load_table("tortured")):
        if original in seen:
            continue
        seen.add(original)
        ws = original.split(" ")
        for n in range(2, min(MAX_N, len(ws)) + 1):
            for i in range(len(ws) - n + 1):
                g = ws[i:i + n]
                if g[0] not in FUNCTION_WORDS and g[-1] not in FUNCTION_WORDS:
                    k = " ".join(g)
                    listed[k] = listed.get(k, 0) + 1
    return Terms(counts, listed, ("tortured", *sources))


@functools.lru_cache(maxsize=65536)
def word_candidates(word: str) -> tuple[str, ...]:
    """Words a spinner may have replaced by ``word``, in the same inflection ("woodlands" ->
    "forests"): the Moby table's originals, then MyThes and WordNet synonyms of its lemmas
    (:func:`textfix.thesauri.originals` of the merged links)."""
    if word in FUNCTION_WORDS or not word.isalpha():
        return ()
    from .thesauri import originals

    out = dict.fromkeys(originals(word, "moby"))
    out.update(dict.fromkeys(originals(word, "merged")))
    out.pop(word, None)
    return tuple(w for w in out if w not in FUNCTION_WORDS)


# -- domain ----------------------------------------------------------------------------------------

#: ``domains="auto"`` reads a document as a science paper when it has at least AUTO_FINGERPRINTS
#: distinct context-free tortured phrases of the list, or at least AUTO_TERM_HITS occurrences of the
#: listed originals' terms (2-3 word n-grams, "neural network", "feature extraction") making at
#: least AUTO_TERMS_PER_100 per 100 words. Measured (benchmarks/science.py --domain-check, RESULTS.md
#: issue 12): the 300 BBC articles reach at most 2.65 term hits per 100 words and no fingerprint (all
#: read as news); scikit-learn's user guide pages a median of 1.81 and at most 4.80 (14 of 43 read
#: as science)
AUTO_FINGERPRINTS = 2
AUTO_TERM_HITS, AUTO_TERMS_PER_100 = 10, 3.0


@functools.cache
def _domain_terms() -> tuple[frozenset[str], dict[str, bool], int, frozenset[str]]:
    """(the listed originals' 2-3 word n-grams without a function word at either end, the listed
    spun phrases -> needs context, the longest spun phrase, the first words of both)."""
    from .tables import iter_rows, load_table

    grams: set[str] = set()
    spun: dict[str, bool] = {}
    longest = 1
    for s, o, _, src in iter_rows(load_table("tortured")):
        spun[s] = spun.get(s, True) and src == "pps-context"
        longest = max(longest, s.count(" ") + 1)
        ws = o.split(" ")
        for n in (2, 3):
            for i in range(len(ws) - n + 1):
                g = ws[i:i + n]
                if g[0] not in FUNCTION_WORDS and g[-1] not in FUNCTION_WORDS:
                    grams.add(" ".join(g))
    firsts = frozenset(k.partition(" ")[0] for k in (*grams, *spun))
    return frozenset(grams), spun, longest, firsts


def domain_evidence(tokens: Sequence[Token]) -> tuple[int, int, int]:
    """(distinct context-free listed tortured phrases, term hits, words) of a text."""
    return domain_evidence_words([t.norm for t in tokens if t.is_word and t.fixed is None])


def domain_evidence_words(words: Sequence[str]) -> tuple[int, int, int]:
    """:func:`domain_evidence` of a text's words (lowercase, straight apostrophes): every listed
    n-gram and phrase at every word, as the loop over words and lengths did; found by an index of
    their first words (``_fastlm.phrases``) on the compiled path, by one pass of an Aho-Corasick
    automaton (pyahocorasick) over the words joined by single spaces on the pure-Python one."""
    words = list(words)
    from .scoring import _fastlm_module, compiled_available

    hits = 0
    found: set[str] = set()
    if compiled_available():
        hits_found = _fastlm_module().phrases(words, _domain_index())
    else:
        hits_found = _domain_automaton().iter(" " + " ".join(words) + " ")
    for _, (gram, fingerprint, phrase) in hits_found:
        hits += gram
        if fingerprint:
            found.add(phrase)
    return len(found), hits, len(words)


@functools.cache
def _domain_keys() -> dict[str, tuple[bool, bool, str]]:
    """"w1 w2 ..." -> (a 2-3 word n-gram of the listed originals, a context-free listed tortured
    phrase, the phrase), for :func:`domain_evidence_words`."""
    grams, spun, _, _ = _domain_terms()
    keys: dict[str, list[bool]] = {}
    for g in grams:
        if 2 <= g.count(" ") + 1 <= 3:
            keys[g] = [True, False]
    for g, needs_context in spun.items():
        if not needs_context:
            keys.setdefault(g, [False, False])[1] = True
    return {g: (gram, fingerprint, g) for g, (gram, fingerprint) in keys.items()}


@functools.cache
def _domain_automaton():  # noqa: ANN202  (an ahocorasick.Automaton)
    """" w1 w2 ... " -> _domain_keys()'s value, over the words joined by single spaces (the
    pure-Python path)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for g, value in _domain_keys().items():
        automaton.add_word(f" {g} ", value)
    automaton.make_automaton()
    return automaton


@functools.cache
def _domain_index() -> dict[str, tuple]:
    """first word -> ((the other words), _domain_keys()'s value), ...: the same phrases for the
    compiled ``_fastlm.phrases``."""
    index: dict[str, list] = {}
    for g, value in _domain_keys().items():
        words = tuple(g.split(" "))
        index.setdefault(words[0], []).append((words[1:], value))
    return {w: tuple(v) for w, v in index.items()}


def is_science(tokens: Sequence[Token]) -> bool:
    """Does ``domains="auto"`` read this text as a science paper?"""
    return is_science_words([t.norm for t in tokens if t.is_word and t.fixed is None])


def is_science_words(words: Sequence[str]) -> bool:
    """:func:`is_science` of a text's words (lowercase, straight apostrophes)."""
    return _is_science(*domain_evidence_words(words))


def _is_science(fingerprints: int, hits: int, n_words: int) -> bool:
    if fingerprints >= AUTO_FINGERPRINTS:
        return True
    return hits >= AUTO_TERM_HITS and 100.0 * hits / max(1, n_words) >= AUTO_TERMS_PER_100


# -- unlisted tortured phrases ---------------------------------------------------------------------

#: most candidate words tried per word of a phrase (the thesaurus order: Moby's weight first)
MAX_WORD_CANDIDATES = 60


class Finding(NamedTuple):
    """An unlisted phrase (tokens ``i..j``) and the term it was probably spun from."""

    i: int
    j: int
    spun: tuple[str, ...]
    original: tuple[str, ...]
    count: int        # the original's listings + running-text count
    runner_up: int    # the next best candidate's
    confidence: float


def _term_score(t: Terms, words: tuple[str, ...]) -> float:
    """How established a listed term is: log10 of (its listings + its running-text count + 1)."""
    return math.log10(t.listed(words) + t.count(words) + 1.0)


def _swap_prior(words: tuple[str, ...], cand: tuple[str, ...]) -> float:
    """log10 prior of the swaps that turn ``cand`` into ``words``: each swapped word costs
    log10(1 / (its rank among the word's candidate originals + 2)), the thesaurus's own order (Moby's
    weight first): a near synonym is a likelier swap than a far one."""
    total = 0.0
    for w, c in zip(words, cand):
        if w != c:
            total -= math.log10(word_candidates(w).index(c) + 2.0)
    return total


def _best_terms(words: tuple[str, ...], t: Terms) -> list[tuple[str, ...]]:
    """The listed terms reached by replacing one or more of ``words`` with a candidate original."""
    options = [((w,) + word_candidates(w)[:MAX_WORD_CANDIDATES]) for w in words]
    found: list[tuple[str, ...]] = []
    frontier: list[tuple[str, ...]] = [()]
    for k, opts in enumerate(options):
        last = k == len(options) - 1
        nxt = []
        for prefix in frontier:
            for o in opts:
                cand = prefix + (o,)
                if last:
                    if cand != words and t.listed(cand):
                        found.append(cand)
                elif len(cand) == 1 or t.is_prefix(cand):
                    nxt.append(cand)
        frontier = nxt
        if not frontier:
            break
    return found


#: log10 by which the candidate must be more of a collocation than the page's phrase under the news
#: 3-gram model (sum of the inner words' PMI with their left context): a spinner's phrase is a pair
#: of words that do not go together ("profound learning"), and a phrase that is good English
#: ("framework based") is no tortured phrase even when a swap gives a counted n-gram. Measured
#: (fold 0 of benchmarks/science.py, phrases alone without the paper-mill gate; findings in
#: scikit-learn's guide): 0.0: 18.4% detected, 7.8% exact, 51 findings; 1.0: 11.8%, 4.3%, 25
LM_MARGIN = 1.0


def _pmi(scorer, words: Sequence[str]) -> float:  # noqa: ANN001
    """Sum over the inner words of log10 P(w | the words before it) - log10 P(w) (news model);
    a word the model does not know adds nothing."""
    vf = scorer.vocab_form
    vocab = [vf(w) for w in words]
    total = 0.0
    for k in range(1, len(vocab)):
        w, p1 = vocab[k], vocab[k - 1]
        if w is None or p1 is None:
            continue
        p2 = vocab[k - 2] if k >= 2 else None
        total += scorer.logp(w, p1, p2) - scorer.unigram(w)
    return total


def find_unlisted(tokens: Sequence[Token], ok: Sequence[bool], scorer=None) -> list[Finding]:  # noqa: ANN001
    """Phrases of 2..MAX_N content words (within a chunk, none protected) that are no term while a
    thesaurus swap of their words gives a frequent one that the news model also finds a better
    collocation; longest and most frequent first, not overlapping."""
    if scorer is None:
        from .scoring import get_scorer

        scorer = get_scorer("trigram")
    t = terms()
    if len(t.sources) < 2:
        # no running text installed (WordNet, FOLDOC) to attest ordinary phrases: every phrase
        # of a paper would look unattested ("test set" -> "research group")
        return []
    n_tok = len(tokens)
    # the spinner swaps a word the same way throughout a text: a swapped-in original that the text
    # uses elsewhere was not replaced, and a spun word the text also uses outside this phrase is
    # the text's own word. Measured on scikit-learn's guide after a paper-mill lead sentence, fold 0
    # of benchmarks/science.py: 282 -> 164 -> 25 phrases flagged, the held-out phrases unchanged
    doc_words: dict[str, int] = {}
    grams: dict[tuple[str, ...], int] = {}
    norms = [tok.norm if tok.is_word else "" for tok in tokens]
    for w in norms:
        doc_words[w] = doc_words.get(w, 0) + 1
    for n in range(2, MAX_N + 1):
        for k in range(n_tok - n + 1):
            g = tuple(norms[k:k + n])
            grams[g] = grams.get(g, 0) + 1
    found: list[Finding] = []
    for i in range(n_tok):
        if not (ok[i] and tokens[i].is_word):
            continue
        for n in range(MAX_N, 1, -1):
            j = i + n
            if j > n_tok:
                continue
            span = tokens[i:j]
            if not all(ok[k] and span[k - i].is_word for k in range(i, j)):
                continue
            if any(not s.joined_prev or s.sent_start for s in span[1:]):
                continue
            words = tuple(s.norm for s in span)
            if any(w in FUNCTION_WORDS for w in words):
                continue
            if t.count(words) > 0 or t.listed(words):
                continue  # attested as written
            cands = _best_terms(words, t)
            own = {w: words.count(w) for w in words}
            repeats = grams.get(words, 1)
            cands = [c for c in cands if not any(
                a != b and (doc_words.get(b, 0) > own.get(b, 0) * repeats or doc_words.get(a, 0) > own[a] * repeats)
                for a, b in zip(words, c))]
            if not cands:
                continue
            # each candidate: how established a term it is, plus how much better a collocation the
            # news model finds it than the page's words; the margin must be clear
            base = _pmi(scorer, words)
            scored = sorted(((_term_score(t, c) + _swap_prior(words, c), c) for c in cands), reverse=True)
            best_score, cand = scored[0]
            if _pmi(scorer, cand) - base < LM_MARGIN:
                continue
            mass = [10.0 ** (x - best_score) for x, _ in scored]
            conf = 1.0 / sum(mass)
            second = t.listed(scored[1][1]) + t.count(scored[1][1]) if len(scored) > 1 else 0
            found.append(Finding(i, j, words, cand, t.listed(cand) + t.count(cand), second, conf))
    found.sort(key=lambda f: (-f.confidence, -(f.j - f.i), -f.count, f.i))
    taken: set[int] = set()
    out = []
    for f in found:
        if taken.isdisjoint(range(f.i, f.j)):
            taken.update(range(f.i, f.j))
            out.append(f)
    return sorted(out, key=lambda f: f.i)


def context_confirmed(tokens: Sequence[Token], i: int, j: int, original: tuple[str, ...]) -> bool:
    """A context-dependent fingerprint ("bosom" -> "breast" only near cancer terms) is confirmed
    when its original forms an established term with a neighbouring word that the page's own
    words do not: "bosom cancer" -> "breast cancer"."""
    t = terms()
    spun = tuple(tok.norm for tok in tokens[i:j])
    for left in range(1, MAX_N):
        if i - left >= 0 and all(tokens[k].is_word and tokens[k + 1].joined_prev for k in range(i - left, i)):
            ctx = tuple(tok.norm for tok in tokens[i - left:i])
            if t.listed(ctx + original) and not t.listed(ctx + spun) and t.count(ctx + spun) == 0:
                return True
    for right in range(1, MAX_N):
        if j + right <= len(tokens) and all(tokens[k].is_word and tokens[k].joined_prev
                                            and not tokens[k].sent_start for k in range(j, j + right)):
            ctx = tuple(tok.norm for tok in tokens[j:j + right])
            if t.listed(original + ctx) and not t.listed(spun + ctx) and t.count(spun + ctx) == 0:
                return True
    return False


def log_odds(count: int, other: int) -> float:
    return math.log10((count + 1.0) / (other + 1.0))
