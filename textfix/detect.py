"""Stage 5: document-level spin evidence, ``spin_score``, and which protections to lift.

A spun document gives itself away in three ways, which are counted here:

- *suspicious phrases*: table matches where a candidate original fits the context much better
  than the word on the page (local language-model gain above :data:`SUSPICIOUS`), per free word;
- *tells*: patterns clean news almost never has: a multi-word spinner phrase that the context
  rejects ("final 12 months", "satellite tv for pc"), an article that fits a candidate but not
  the word after it ("a uncommon", "an necessary"), "mentioned" right after a closing quote;
- *contrast*: the same rate inside quotes and in capitalised words, which the common spinner
  leaves alone; when they look as spun as the rest, their protection is lifted.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

__all__ = ["Evidence", "Site", "evaluate", "SUSPICIOUS"]

#: local log10 gain above which a phrase counts as suspicious
SUSPICIOUS = 1.0
#: local log10 gain above which a multi-word curated phrase is a tell
TELL_GAIN = 0.5
_SAID_TELL = regex.compile(r"""[,.?!…]?[”"]\s+mentioned\b|\bmentioned\s*[,.]?\s*[“"]""")


@dataclass(frozen=True, slots=True)
class Site:
    """A table match with its best local gain and where it stands."""

    match: object
    gain: float          # best candidate's local log10 gain (LM + article evidence + log10 weight)
    region: str          # "body", "quote" or "name"
    multiword_curated: bool
    article_tell: bool


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

    @property
    def rate(self) -> float:
        return self.body_suspicious / max(1, self.body_words)


def _logistic(z: float) -> float:
    if z < -40:
        return 0.0
    if z > 40:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


def _score(body_words: int, susp: int, tells: int) -> float:
    """Combine the counts into 0..1. Rates are per 100 free words, shrunk towards clean for
    short texts (a few words prove little)."""
    n = body_words + 30  # pseudo-count of clean words
    rate = 100.0 * susp / n
    tell_rate = 100.0 * tells / n
    z = -6.0 + 1.6 * rate + 3.0 * min(tell_rate, 3.0) + 1.2 * min(tells, 3)
    return _logistic(z)


def evaluate(text: str, n_body: int, n_quote: int, n_name: int, sites: Sequence[Site],
             *, adaptive: bool) -> Evidence:
    """Evidence from the table matches of a document."""
    body_s = sum(1 for s in sites if s.region == "body" and s.gain > SUSPICIOUS)
    quote_s = sum(1 for s in sites if s.region == "quote" and s.gain > SUSPICIOUS)
    name_s = sum(1 for s in sites if s.region == "name" and s.gain > SUSPICIOUS)
    tells = sum(1 for s in sites if s.region == "body" and (
        (s.multiword_curated and s.gain > TELL_GAIN) or s.article_tell))
    tells += len(_SAID_TELL.findall(text))
    score = _score(n_body, body_s, tells)
    notes: list[str] = []
    lift_q = lift_n = False
    if adaptive and score > 0.9:
        body_rate = body_s / max(1, n_body)
        if n_quote >= 20 and quote_s >= 3 and quote_s / n_quote >= 0.5 * body_rate:
            lift_q = True
            notes.append(f"quoted text looks spun too ({quote_s} suspicious phrases in {n_quote} quoted "
                         f"words, {body_s} in {n_body} others): quotes were not protected")
        if n_name >= 5 and name_s >= 2 and name_s / n_name >= 0.5 * body_rate:
            lift_n = True
            notes.append(f"capitalised words look spun too ({name_s} suspicious in {n_name}): names were "
                         "not protected")
    return Evidence(n_body, body_s, tells, n_quote, quote_s, n_name, name_s, score, lift_q, lift_n,
                    tuple(notes))
