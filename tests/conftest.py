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


@pytest.fixture
def tf(capsysbinary, monkeypatch):
    """Run the command line in this process with an empty stdin: (exit code, stdout, stderr) as
    text. (test_cli.py has its own, with stdin bytes and stdout bytes.)"""
    import io
    import sys

    from textfix.cli import main

    def run(*args: object) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
        rc = main([str(a) for a in args])
        cap = capsysbinary.readouterr()
        return rc, cap.out.decode("utf-8"), cap.err.decode("utf-8", "replace")
    return run
