"""Stage 3: how likely a word is between its neighbours (a smoothed n-gram language model).

Two pluggable scorers give ``logp(word, prev1, prev2)``, a log10 probability of ``word`` after
``prev2 prev1`` (``None`` where there is no history, ``"<s>"`` at a sentence start):

- ``trigram`` (default): the CMU 3-gram English model shipped in the ``pocketsphinx`` wheel
  (72k words, 2.0M bigrams, 1.7M trigrams, Katz back-off). Memory-mapped; loads in ~0.03 s.
- ``bigram``: symspellpy's 242k English bigram counts with stupid back-off to wordfreq unigram
  frequencies. Loads in ~0.3 s. Weaker: 39% of news word pairs are not in the file.

Both are loaded on first use and cached; nothing happens at import.
"""
from __future__ import annotations

import functools
import itertools
import math
import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["Scorer", "get_scorer", "OOV_LOGP"]

#: entries kept in the n-gram and vocabulary caches before they are emptied (memory stays
#: bounded: about 150 bytes an entry)
LM_CACHE, KNOWN_CACHE = 100_000, 50_000
#: log10 probability given to a word the model does not know (a rare word).
OOV_LOGP = -6.5
#: the token flags of Scorer.fluency (and _fastlm.LM.fluency): a word (first character a letter,
#: digit or "_"), a letter word, a name (as textfix.tokens marks them), inside quotation marks, the
#: first word of an n-gram chunk (after punctuation), of a chunk that starts a sentence
FLAG_WORD, FLAG_NAME, FLAG_QUOTE, FLAG_CHUNK, FLAG_BOS, FLAG_ALPHA = 1, 2, 4, 8, 16, 32
_UNSEEN = object()
_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                 "fifteen sixteen seventeen eighteen nineteen twenty").split()


def _number_word(norm: str) -> str:
    """A stand-in word the models know for a digit token (neither model has digits)."""
    if norm.isdecimal():
        n = int(norm)
        if n <= 20:
            return _NUMBER_WORDS[n]
        if 1900 <= n <= 2099 and len(norm) == 4:
            return "january"  # a year is used like a date: 'in 2019', 'during 2019'
        return "hundred" if n < 1000 else "thousand"
    return norm


class Scorer:
    """Base class: subclasses implement ``_raw(word, prev1, prev2)`` and ``known(word)``."""

    name = "base"

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str | None, str | None], float] = {}
        self._known: dict[str, str | None] = {}

    def _raw(self, word: str, prev1: str | None, prev2: str | None) -> float:  # pragma: no cover
        raise NotImplementedError

    def _in_vocab(self, word: str) -> bool:  # pragma: no cover
        raise NotImplementedError

    def vocab_form(self, norm: str) -> str | None:
        """The form of a normalised token the model knows, or None when it is out of vocabulary."""
        try:
            return self._known[norm]
        except KeyError:
            pass
        form: str | None = _number_word(norm)
        if not self._in_vocab(form):  # type: ignore[arg-type]
            base = norm[:-2] if norm.endswith("'s") else None
            form = base if base and self._in_vocab(base) else None
        if len(self._known) > KNOWN_CACHE:
            self._known.clear()
        self._known[norm] = form
        return form

    def logp(self, word: str, prev1: str | None = None, prev2: str | None = None) -> float:
        """log10 P(word | prev2 prev1); words are vocab forms (or None for an unknown word)."""
        if word is None:
            return OOV_LOGP
        if prev1 is None:
            prev2 = None
        key = (word, prev1, prev2)
        try:
            return self._cache[key]
        except KeyError:
            pass
        value = self._raw(word, prev1, prev2)
        if len(self._cache) > LM_CACHE:
            self._cache.clear()
        self._cache[key] = value
        return value


    def unigram(self, word: str | None) -> float:
        """log10 P(word) with no context (OOV_LOGP for an unknown word)."""
        if word is None:
            return OOV_LOGP
        return self.logp(word, None, None)

    def score(self, words: Sequence[str | None], p2: str | None, p1: str | None, eos: bool = False
              ) -> tuple[float, str | None, str | None]:
        """log10 probability of ``words`` after history ``p2 p1`` (and of the sentence end after
        them when ``eos``), with the history after them: ``(total, p2, p1)``. The hot loop of
        textfix, so it is written flat."""
        cache = self._cache
        if len(cache) > LM_CACHE:
            cache.clear()
        raw = self._raw
        total = 0.0
        for w in (*words, "</s>") if eos else words:
            if w is None:
                total += OOV_LOGP
                p2 = p1 = None
                continue
            key = (w, p1, p2 if p1 is not None else None)
            v = cache.get(key)
            if v is None:
                v = cache[key] = raw(w, p1, key[2])
            total += v
            p2, p1 = p1, w
        return total, p2, p1

    def gains(self, heads: Sequence[Sequence[str | None]], unis: Sequence[float | None],
              spun: Sequence[str | None], tail: Sequence[str | None], p2: str | None, p1: str | None,
              eos: bool, base: float | None, length_cost: float, freq_discount: float
              ) -> tuple[float, list[float]]:
        """decode.candidate_gains's loop over one site's candidates (before the article term): for
        each candidate's vocabulary forms ``head`` (unigram log10 sum ``u``, None if not discounted),
        its log10 gain over the page's words ``spun`` before the same ``tail``, a length cost for
        each word it adds or saves, and the frequency discount. ``(base, gains)``, ``base`` being
        the page's words' score (computed unless given)."""
        score = self.score
        if base is None:
            base = score((*spun, *tail), p2, p1, eos)[0]
        out = []
        base_uni = None
        for cw, cw_uni in zip(heads, unis):
            total = score((*cw, *tail), p2, p1, eos)[0]
            g = total - base
            if len(cw) != len(spun):
                # every word costs probability: a shorter wording is not likelier for being shorter
                g += length_cost * (len(cw) - len(spun))
            if cw_uni is not None:
                if base_uni is None:
                    uni = self.unigram
                    base_uni = sum(uni(w) for w in spun)
                g -= freq_discount * (cw_uni - base_uni)
            out.append(g)
        return base, out


    def fluency(self, tokens: list[str], vocab: list[str | None], max_unigram: float, bos: str
                ) -> tuple[int, float, int, int, int, int, int, bytes]:
        """The scan's one pass over a text's tokens (textfix.scan): words, punctuation marks and
        line breaks as ``regex`` found them, and each word's vocabulary form (None for a
        punctuation mark or an unknown word). Returns ``(n, total, words, oov, n_body, n_quote,
        n_name, flags)``: the number of body content words with a history (unigram log10 below
        ``max_unigram``) and the sum of their log10 P(word | two words before) - log10 P(word),
        the letter words and how many of them are unknown, the words of the body, of quotes and of
        names, and one byte of FLAG_* bits per token. ``_fastlm.LM.fluency`` is the same loop."""
        logp, unigram = self.logp, self.unigram
        flags = bytearray(len(tokens))
        total = 0.0
        n = words = oov = n_body = n_quote = n_name = 0
        in_quote = False
        sent_start = chunk = True
        p1 = p2 = None
        for k, tok in enumerate(tokens):
            c0 = tok[0]
            if not (c0.isalnum() or c0 == "_"):
                if c0 == "\u201c":
                    in_quote = True
                elif c0 == "\u201d" or c0 == "\n":
                    in_quote = False
                elif c0 == '"':
                    in_quote = not in_quote
                if c0 in ".!?\u2026\n":
                    sent_start = True
                chunk = True
                continue
            f = FLAG_WORD
            alpha = c0.isalpha()
            # a name: capitalised and not sentence-initial, or with a capital after its first
            # letter, or followed by another capitalised word (textfix.tokens._mark_names)
            name = c0.isupper() and (not sent_start or any(c.isupper() for c in tok[1:])
                                     or (k + 1 < len(tokens) and tokens[k + 1][0].isupper()))
            if alpha:
                f |= FLAG_ALPHA
            if name:
                f |= FLAG_NAME
                n_name += 1
            elif in_quote:
                f |= FLAG_QUOTE
                n_quote += 1
            else:
                n_body += 1
            if chunk:
                f |= FLAG_CHUNK
                if sent_start:
                    f |= FLAG_BOS
                    p2, p1 = None, bos
                else:
                    p2 = p1 = None
            flags[k] = f
            chunk = sent_start = False
            w = vocab[k]
            if alpha:
                words += 1
                oov += w is None
            if w is None:
                p2 = p1 = None
                continue
            if p1 is not None and alpha and not name and not in_quote:
                u = unigram(w)
                if u < max_unigram:
                    total += logp(w, p1, p2) - u
                    n += 1
            p2, p1 = p1, w
        return n, total, words, oov, n_body, n_quote, n_name, bytes(flags)


    def scan(self, text: str, max_unigram: float, bos: str, science: bool) -> tuple:
        """The scan's one pass over a text (textfix.scan): its tokens (``scan.TOKEN``), their
        lower-cased forms (curly apostrophes straightened), their vocabulary forms, and
        :meth:`fluency` over them. Returns ``(toks, lows, vocab, alpha, n, total, words, oov,
        n_body, n_quote, n_name, flags)``, ``alpha`` being the lower-cased letter words (those
        with FLAG_ALPHA; None unless ``science``). ``_fastlm.LM.scan`` is the same pass."""
        from .scan import TOKEN

        toks = TOKEN.findall(text)
        lows = list(map(str.lower, toks))
        if "\u2019" in text:
            lows = [w.replace("\u2019", "'") if "\u2019" in w else w for w in lows]
        known, vf = self._known, self.vocab_form
        vocab = list(map(known.get, lows, itertools.repeat(_UNSEEN, len(lows))))
        if vocab.count(_UNSEEN):
            for k in [k for k, v in enumerate(vocab) if v is _UNSEEN]:
                vocab[k] = vf(lows[k])
        n, total, words, oov, n_body, n_quote, n_name, flags = self.fluency(toks, vocab, max_unigram, bos)
        alpha = [w for w, f in zip(lows, flags) if f & FLAG_ALPHA] if science else None
        return toks, lows, vocab, alpha, n, total, words, oov, n_body, n_quote, n_name, flags


def compiled_available() -> bool:
    """Is the compiled scoring loop (``textfix._fastlm``, built at install time when a C compiler
    is there) importable and not turned off with ``TEXTFIX_PURE=1``?"""
    if os.environ.get("TEXTFIX_PURE", "") not in ("", "0"):
        return False
    return _fastlm_module() is not None


@functools.cache
def _fastlm_module():
    """textfix._fastlm, or None: not built, or built from another _fastlm.c than the one beside it
    (a copy left in a checkout by an older install: its loop might not be this source's)."""
    try:
        from . import _fastlm
    except ImportError:
        return None
    source = Path(__file__).with_name("_fastlm.c")
    if source.is_file():
        import hashlib

        if hashlib.sha256(source.read_bytes()).hexdigest() != getattr(_fastlm, "SOURCE_SHA256", None):
            return None
    return _fastlm


def _compiled_lm(path: str):
    """pocketsphinx's model at ``path`` loaded through the C functions its extension module
    exports, wrapped in textfix._fastlm's loop; None without the compiled module (or TEXTFIX_PURE=1).

    The probabilities are pocketsphinx's own (the same ngram_wid / ngram_ng_prob that
    NGramModel.prob calls, under the LogMath(base=1.0001) that the pure-Python scorer uses);
    tests/test_fastlm.py checks both paths give the same floats."""
    if not compiled_available():
        return None
    import ctypes

    from pocketsphinx import _pocketsphinx  # heavy C extension: import on first use

    _fastlm = _fastlm_module()
    vp = ctypes.c_void_p
    try:
        lib = ctypes.CDLL(_pocketsphinx.__file__)
        lib.ps_config_init.restype, lib.ps_config_init.argtypes = vp, [vp]
        lib.logmath_init.restype, lib.logmath_init.argtypes = vp, [ctypes.c_double, ctypes.c_int, ctypes.c_int]
        lib.ngram_model_read.restype = vp
        lib.ngram_model_read.argtypes = [vp, ctypes.c_char_p, ctypes.c_int, vp]
        lib.err_set_loglevel.argtypes, lib.err_set_loglevel.restype = [ctypes.c_int], ctypes.c_int
        lib.ngram_wid, lib.ngram_ng_prob  # noqa: B018  (both must be there)
    except (OSError, AttributeError):
        return None  # a pocketsphinx build that does not export its C functions: the pure loop
    config = lib.ps_config_init(None)
    lmath = lib.logmath_init(1.0001, 0, 0)   # pocketsphinx.LogMath()'s defaults
    old = lib.err_set_loglevel(_ERR_WARN)     # no INFO lines on stderr while it loads
    try:
        model = lib.ngram_model_read(config, os.fsencode(path), 0, lmath)  # 0: NGRAM_AUTO
    finally:
        lib.err_set_loglevel(old)
    if not model:
        return None

    def addr(fn) -> int:
        return ctypes.cast(fn, vp).value

    return _fastlm.LM(model, addr(lib.ngram_wid), addr(lib.ngram_ng_prob), TrigramScorer._LOG10, OOV_LOGP)


#: pocketsphinx's err_lvl_t: ERR_WARN
_ERR_WARN = 2


class TrigramScorer(Scorer):
    """pocketsphinx's CMU 3-gram model (``en-us.lm.bin``).

    With the compiled loop (see :func:`compiled_available`) ``score``, ``gains``, ``logp``,
    ``unigram``, ``fluency`` and ``scan`` are C methods over the same model (and ``_fast``, the
    ``_fastlm.LM``, has the batch site gains); otherwise the pure-Python ones."""

    name = "trigram"
    _LOG10 = math.log10(1.0001)

    def __init__(self, path: str | Path | None = None, *, compiled: bool | None = None) -> None:
        super().__init__()
        if path is None:
            import importlib.util

            spec = importlib.util.find_spec("pocketsphinx")
            if spec is None or not spec.submodule_search_locations:
                raise ModuleNotFoundError("textfix needs the pocketsphinx package (pip install pocketsphinx)")
            path = Path(list(spec.submodule_search_locations)[0]) / "model" / "en-us" / "en-us.lm.bin"
        if not Path(path).is_file():
            raise FileNotFoundError(f"pocketsphinx language model not found at {path}")
        fast = _compiled_lm(str(path)) if compiled is not False else None
        if compiled and fast is None:
            raise RuntimeError("textfix's compiled scoring loop is not available (TEXTFIX_PURE set, textfix "
                               "installed without a C compiler, or a pocketsphinx that does not export its C "
                               "functions)")
        self.compiled = fast is not None
        if fast is not None:
            self._fast = fast
            self.score = fast.score      # type: ignore[method-assign]
            self.gains = fast.gains      # type: ignore[method-assign]
            self.logp = fast.logp        # type: ignore[method-assign]
            self.unigram = fast.logp     # type: ignore[method-assign]  (logp(word) has no history)
            self.fluency = fast.fluency  # type: ignore[method-assign]
            self.scan = functools.partial(fast.scan, self._known, self.vocab_form)  # type: ignore[method-assign]
        else:
            from pocketsphinx import Config, LogMath, NGramModel  # heavy C extension: import on first use

            self._lm = NGramModel(Config(), LogMath(), str(path))

    def _in_vocab(self, word: str) -> bool:
        if self.compiled:
            return self._fast.logp(word) > -50.0
        return self._lm.prob([word]) * self._LOG10 > -50.0

    def _raw(self, word: str, prev1: str | None, prev2: str | None) -> float:
        if prev1 is None:
            hist = [word]
        elif prev2 is None:
            hist = [word, prev1]
        else:
            hist = [word, prev1, prev2]
        return float(self._lm.prob(hist)) * self._LOG10


class BigramScorer(Scorer):
    """symspellpy bigram counts + wordfreq unigrams, stupid back-off (alpha 0.4)."""

    name = "bigram"
    ALPHA = math.log10(0.4)

    def __init__(self) -> None:
        super().__init__()
        import importlib.resources

        from wordfreq import word_frequency

        self._wf = word_frequency
        base = importlib.resources.files("symspellpy")
        self._uni: dict[str, int] = {}
        with (base / "frequency_dictionary_en_82_765.txt").open(encoding="utf-8") as f:
            for line in f:
                w, _, c = line.rstrip("\n").partition(" ")
                self._uni[w] = int(c)
        self._bi: dict[tuple[str, str], int] = {}
        with (base / "frequency_bigramdictionary_en_243_342.txt").open(encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3:
                    self._bi[(parts[0], parts[1])] = int(parts[2])

    def _in_vocab(self, word: str) -> bool:
        return word in ("<s>", "</s>") or self._wf(word, "en") > 0.0

    def _unigram(self, word: str) -> float:
        if word == "</s>":
            return -1.2
        f = self._wf(word, "en")
        return math.log10(f) if f > 0 else OOV_LOGP

    def _raw(self, word: str, prev1: str | None, prev2: str | None) -> float:
        if prev1 is None or prev1 == "<s>" or word == "</s>":
            return self._unigram(word)
        c = self._bi.get((prev1, word))
        if c:
            cp = self._uni.get(prev1)
            if cp and c < cp:
                return math.log10(c / cp)
        return self.ALPHA + self._unigram(word)


@functools.cache
def get_scorer(name: str) -> Scorer:
    """The scorer called ``name`` (``"trigram"`` or ``"bigram"``), loaded once."""
    if name == "trigram":
        return TrigramScorer()
    if name == "bigram":
        return BigramScorer()
    raise ValueError(f"unknown scorer {name!r}; choose from trigram, bigram")
