"""The public API contract: names, types, errors, Config and Edit values."""
from __future__ import annotations

import dataclasses

import pytest

import textfix
from textfix import Config, Edit, apply_edits


def test_public_names():
    for name in ("restore", "explain", "spin_score", "apply_edits", "Config", "Edit", "Explanation",
                 "TableError", "__version__"):
        assert hasattr(textfix, name), name


def test_import_loads_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, textfix; heavy = [m for m in ('pocketsphinx', 'wordfreq', 'symspellpy') if m in "
            "sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_bytes_rejected_with_advice():
    with pytest.raises(TypeError, match="decode"):
        textfix.restore(b"final 12 months")


def test_non_str_rejected():
    with pytest.raises(TypeError):
        textfix.explain(12)  # type: ignore[arg-type]


def test_unknown_option_names_valid_ones():
    with pytest.raises(TypeError, match="min_confidence"):
        textfix.restore("x", min_confidance=0.5)


def test_config_is_frozen_and_validated():
    cfg = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.min_confidence = 0.9  # type: ignore[misc]
    with pytest.raises(ValueError):
        Config(min_confidence=1.5)
    with pytest.raises(ValueError, match="unknown table"):
        Config(tables=("nope",))
    with pytest.raises(ValueError, match="scorer"):
        Config(scorer="gpt")
    with pytest.raises(TypeError):
        Config(protect_quotes="yes")  # type: ignore[arg-type]
    assert Config(tables="phrases").tables == ("phrases",)
    assert cfg.replace(min_confidence=0.9).min_confidence == 0.9


def test_config_and_keywords_agree(shoigu):
    a = textfix.explain(shoigu, config=Config(min_confidence=0.9))
    b = textfix.explain(shoigu, min_confidence=0.9)
    assert a == b


def test_higher_min_confidence_makes_fewer_edits(shoigu):
    lo = textfix.explain(shoigu, min_confidence=0.5).edits
    hi = textfix.explain(shoigu, min_confidence=0.95).edits
    assert len(hi) < len(lo)
    assert all(e.confidence >= 0.95 for e in hi)


def test_edit_validates_itself():
    with pytest.raises(ValueError):
        Edit(5, 3, "", "x", 0.5, "t")
    with pytest.raises(ValueError):
        Edit(0, 3, "ab", "x", 0.5, "t")
    with pytest.raises(ValueError):
        Edit(0, 2, "ab", "x", 1.5, "t")
    e = Edit(0, 2, "ab", "x", 0.5, "t")
    assert e.to_dict()["original"] == "x"


def test_apply_edits_checks_its_input():
    text = "final week"
    good = Edit(0, 5, "final", "last", 0.9, "t")
    assert apply_edits(text, [good]) == "last week"
    with pytest.raises(ValueError, match="expects"):
        apply_edits("other text", [good])
    with pytest.raises(ValueError, match="overlaps"):
        apply_edits(text, [good, Edit(3, 7, "al w", "x", 0.9, "t")])
    with pytest.raises(ValueError, match="past the end"):
        apply_edits("fin", [Edit(0, 5, "final", "x", 0.9, "t")])


def test_empty_and_blank_text():
    assert textfix.restore("") == ""
    r = textfix.explain("  \n\t ")
    assert r.text == "  \n\t " and r.edits == () and r.spin_score == 0.0
    assert textfix.spin_score("") == 0.0
