#!/usr/bin/env python3
"""Make docs/report.png, the README's picture of ``textfix report``, from the repository's own text:

- ``scraper-a/``: the two real spun articles of ``tests/fixtures/`` (each cut in two pages);
- ``scraper-b/``: our hand restorations of them (``benchmarks/examples_restored/``) spun again by
  ``benchmarks/spinner.py`` (WordNet, a synonym per page; needs lemminflect and Debian's
  ``wordnet-base``);
- ``newsroom/``: the hand restorations as they are, and the clean test text.

The report is rendered in headless Chromium (Debian ``chromium``) and screenshotted.
Usage: ``python scripts/readme_report.py [-o docs/report.png]``
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def pages(text: str, n: int = 2) -> list[str]:
    paras = [p for p in text.split("\n\n") if p.strip()]
    k = -(-len(paras) // n)
    return ["\n\n".join(paras[i:i + k]) + "\n" for i in range(0, len(paras), k)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", type=Path, default=REPO / "docs" / "report.png")
    args = ap.parse_args()
    from benchmarks.spinner import SpinConfig, get_spinner

    spinner = get_spinner(SpinConfig(thesaurus=("wordnet",), rate=0.2, seed=3, choice="page"))
    with tempfile.TemporaryDirectory() as tmp:
        crawl = Path(tmp) / "crawl"
        for d in ("scraper-a", "scraper-b", "newsroom"):
            (crawl / d).mkdir(parents=True)
        for f in sorted((REPO / "tests" / "fixtures").glob("*.txt")):
            for i, page in enumerate(pages(f.read_text(encoding="utf-8"))):
                (crawl / "scraper-a" / f"{f.stem}-{i + 1}.txt").write_text(page, encoding="utf-8")
        for f in sorted((REPO / "benchmarks" / "examples_restored").glob("*.txt")):
            text = f.read_text(encoding="utf-8")
            name = f.stem.replace("spun-", "")
            for i, page in enumerate(pages(text)):
                spun, _ = spinner.spin(page, page=f"{name}-{i}")
                (crawl / "scraper-b" / f"{name}-{i + 1}.txt").write_text(spun, encoding="utf-8")
            (crawl / "newsroom" / f"{name}.txt").write_text(text, encoding="utf-8")
        shutil.copy(REPO / "tests" / "data" / "cli" / "clean.txt", crawl / "newsroom" / "notice.txt")
        page = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "textfix", "report", "crawl", "-o", str(page), "--title",
                        "textfix report: crawl/"], check=True, cwd=tmp)
        browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
        if browser is None:
            raise SystemExit("needs Chromium (apt-get install chromium)")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--virtual-time-budget=5000", "--window-size=1200,1500", "--force-device-scale-factor=1",
                        f"--screenshot={args.output}", page.as_uri() + "#min=0.5"], check=True,
                       capture_output=True)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
