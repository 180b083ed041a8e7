from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def kim() -> str:
    return (FIXTURES / "spun-nyt-kim.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shoigu() -> str:
    return (FIXTURES / "spun-wt-shoigu.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def kim_restored() -> str:
    """Our hand restoration of the NYT example: clean news (the one the accuracy benchmark uses)."""
    return (FIXTURES.parent.parent / "benchmarks" / "examples_restored" / "spun-nyt-kim.txt").read_text(
        encoding="utf-8")
