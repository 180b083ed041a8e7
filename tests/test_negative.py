"""Clean text that contains table words in their ordinary sense must not change."""
from __future__ import annotations

import pytest

import textfix
from _docs import stdlib_docs

CLEAN = [
    "The army marched into the city at dawn.",
    "She sat a final exam in physics last week.",
    "The company sells software packages to banks.",
    "We collected 12 months of data from the sensors.",
    "The conflict between the two firms was settled in court.",
    "He mentioned the idea to his brother over dinner.",
    "Police officers arrested two men on Tuesday.",
    "The chief executive said profits rose by 5% in the first quarter.",
    "Prime Minister Tony Blair told MPs that the plan would cost £3bn.",
    "\"We are very happy with the result,\" the coach said after the match.",
    "Visit https://www.example.com/final-12-months or mail final.journey@example.org for details.",
    "The band's new album, their first in five years, is out on Monday.",
    # a spinner's favourite phrase, used in its ordinary sense in a sentence on its own
    "Sales fell in the final 12 months of his tenure.",
    "The final 12 months were hard.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_sentence_unchanged(text):
    assert textfix.restore(text) == text


def test_clean_paragraph_unchanged():
    text = " ".join(CLEAN)
    r = textfix.explain(text)
    assert r.text == text, r.edits
    assert r.spin_score < 0.5


# Far from news, a news language model finds every document "unfluent"; that alone must not
# license edits. (Before edits were gated on the tables' own evidence, 52 of 100 standard-library
# modules' documentation got "fixes" such as "methods" -> "systems", "within" -> "in".)
@pytest.mark.parametrize("module_name", ["argparse", "json", "logging", "subprocess", "unittest", "collections",
                                         "functools", "difflib", "textwrap", "shutil"])
def test_clean_technical_prose_unchanged(module_name):
    text = stdlib_docs(module_name)
    assert len(text) > 1000
    r = textfix.explain(text)
    assert r.text == text, [(e.spun, e.original, round(e.confidence, 2)) for e in r.edits]


# A long manual has dozens of phrases a news model would word differently ("within" -> "in",
# "query" -> "question"), scattered over thousands of words; a spinner's are dense. Pasted into
# documents of the size the CLI cuts files into (~60,000 characters), the standard library's
# documentation below got 95 edits in 2 of its 3 documents before the evidence was weighed by density.
LONG_DOC_MODULES = ["argparse", "asyncio", "collections", "configparser", "csv", "dataclasses", "datetime",
                    "decimal", "difflib", "email", "enum", "functools", "logging", "os", "pathlib", "re",
                    "shutil", "socket", "subprocess", "tarfile", "threading", "typing", "unittest", "zipfile"]


def test_long_technical_documents_unchanged():
    text = "\n\n".join(stdlib_docs(m) for m in LONG_DOC_MODULES)
    docs = [text[k:k + 60_000] for k in range(0, len(text), 60_000)]
    assert len(docs) >= 3
    for doc in docs:
        r = textfix.explain(doc)
        assert r.text == doc, [(e.spun, e.original, round(e.confidence, 2)) for e in r.edits]
