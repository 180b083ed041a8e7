"""textfix report: the page's content (parsed from the HTML textfix writes) and the page as a browser
shows it (headless Chromium: a screenshot checked to be non-blank, the DOM after its scripts ran
holding the edits the library makes, the filter applied from the address)."""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("plotly", reason="plotly is not installed (pip install 'textfix[report]')")

import textfix  # noqa: E402
from textfix import report  # noqa: E402
from textfix.cli import main  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).parent / "data" / "cli"
KIM = (FIXTURES / "spun-nyt-kim.txt").read_text(encoding="utf-8")
SHOIGU = (FIXTURES / "spun-wt-shoigu.txt").read_text(encoding="utf-8")
CLEAN = (DATA / "clean.txt").read_text(encoding="utf-8")
CLEAN_NEWS = "The council said on Tuesday that the new bridge would open next spring, a year later than planned."


class _Page(HTMLParser):
    """Each ``article.doc`` of the page: its attributes and its edits as (spun, original, title)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.docs: list[dict[str, object]] = []
        self.stack: list[str] = []
        self.edit: dict[str, str] | None = None
        self.where: str | None = None
        self.scripts_src: list[str] = []
        self.svg = 0
        self.ids: dict[str, str] = {}
        self._id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.scripts_src.append(a["src"])
        if tag == "svg" and "main-svg" in a.get("class", ""):
            self.svg += 1
        if tag == "article" and "doc" in a.get("class", "").split():
            self.docs.append({"attrs": a, "edits": [], "label": ""})
            self.where = "doc"
        elif tag == "h3" and self.where == "doc":
            self.where = "label"
        elif tag == "span" and "edit" in a.get("class", "").split():
            self.edit = {"title": a.get("title", ""), "del": "", "ins": ""}
        elif tag in ("del", "ins") and self.edit is not None:
            self.where = tag
        if "id" in a:
            self._id = a["id"]
            self.ids.setdefault(a["id"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("del", "ins") and self.edit is not None:
            self.where = "doc"
        elif tag == "span" and self.edit is not None and self.edit["ins"]:
            self.docs[-1]["edits"].append((self.edit["del"], self.edit["ins"], self.edit["title"]))  # type: ignore[union-attr]
            self.edit = None
        elif tag == "h3" and self.where == "label":
            self.where = "doc"
        self._id = None

    def handle_data(self, data: str) -> None:
        if self.where in ("del", "ins") and self.edit is not None:
            self.edit[self.where] += data
        elif self.where == "label":
            self.docs[-1]["label"] += data  # type: ignore[operator]
        if self._id is not None:
            self.ids[self._id] += data


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def expected_edits(text: str) -> list[tuple[str, str]]:
    return [(e.spun, e.original) for e in sorted(textfix.explain(text).edits, key=lambda e: e.start)]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    """Two folders: one of the two real spun fixtures, one of clean text; and a JSON Lines dump
    whose records name their site."""
    root = tmp_path_factory.mktemp("report") / "crawl"
    (root / "spun-site").mkdir(parents=True)
    (root / "clean-site").mkdir()
    (root / "spun-site" / "kim.txt").write_text(KIM, encoding="utf-8")
    (root / "spun-site" / "shoigu.txt").write_text(SHOIGU, encoding="utf-8")
    (root / "clean-site" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (root / "clean-site" / "news.txt").write_text(CLEAN_NEWS + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def page_path(crawl, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("page") / "report.html"
    rc = main(["report", str(crawl), "-o", str(out), "--no-learn", "-q"])
    assert rc == 0
    return out


def test_the_page_holds_every_edit_the_library_makes(page_path, crawl):
    page = parse(page_path.read_text(encoding="utf-8"))
    docs = {d["label"]: d for d in page.docs}
    assert set(docs) == {f"{crawl}/spun-site/kim.txt", f"{crawl}/spun-site/shoigu.txt",
                         f"{crawl}/clean-site/clean.txt", f"{crawl}/clean-site/news.txt"}
    for name, text in (("kim", KIM), ("shoigu", SHOIGU)):
        d = docs[f"{crawl}/spun-site/{name}.txt"]
        assert [(s, o) for s, o, _ in d["edits"]] == expected_edits(text)
        assert all(t.startswith("confidence ") for _, _, t in d["edits"])
        assert d["attrs"]["data-site"] == "crawl/spun-site" and float(d["attrs"]["data-score"]) > 0.5
    for name in ("clean", "news"):
        d = docs[f"{crawl}/clean-site/{name}.txt"]
        assert d["edits"] == [] and d["attrs"]["data-edits"] == "0"
    assert not page.scripts_src  # everything is inline: no network needed


def test_sites_ranked_and_restorations_counted():
    c = report.Corpus()
    c.add("a/1", "a", "x", 0.9, [{"start": 0, "end": 1, "spun": "x", "original": "y", "confidence": 0.8}])
    c.add("a/2", "a", "x", 0.7, [{"start": 0, "end": 1, "spun": "x", "original": "y", "confidence": 0.6}])
    c.add("b/1", "b", "x", 0.1, [])
    c.add("c/1", "c", "x", 0.6, [])
    c.add("c/2", "c", "x", 0.2, [])
    assert [name for name, _ in c.ranked_sites()] == ["a", "c", "b"]
    assert c.restorations[("x", "y")] == 2 and c.confidence[("x", "y")] == pytest.approx(1.4)
    page = report.render(c)
    assert "<del>x</del></td><td>y</td><td class=\"n\">2</td><td class=\"n\">0.70</td>" in page


def test_records_name_their_site_and_long_documents_are_cut(tf, tmp_path, monkeypatch):
    dump = tmp_path / "dump.jsonl"
    rows = [{"domain": "spun.example", "text": KIM}, {"domain": "clean.example", "text": CLEAN},
            {"domain": "spun.example", "text": SHOIGU}]
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(report, "MAX_CHARS", 2000)
    rc, _, err = tf("report", dump, "--group-by", "domain", "-o", tmp_path / "r.html", "--no-learn",
                    "--max-docs", "2")
    assert rc == 0, err
    page = parse((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert [(d["label"], d["attrs"]["data-site"]) for d in page.docs] == \
        [(f"{dump}:1", "spun.example"), (f"{dump}:2", "clean.example")]
    shown = page.docs[0]["edits"]
    assert 0 < len(shown) < len(expected_edits(KIM)) and [(s, o) for s, o, _ in shown] == expected_edits(KIM)[:len(shown)]
    assert "3 documents" in page.ids["summary"] and "2 look spun" in page.ids["summary"]
    assert "The first 2 of 3 documents are shown" in (tmp_path / "r.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- in a browser

def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = _chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium to render the page in (Debian: "
                                                             "apt-get install chromium; .ci/run installs it)")


def _browse(url: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
    # offline: every host name fails to resolve, so a page that needed the network would show it
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000",
           "--window-size=1280,1400", *extra, url]
    return subprocess.run(cmd, capture_output=True, timeout=120)


@needs_chromium
def test_chromium_shows_the_chart_the_edits_and_filters(page_path, crawl, tmp_path):
    from PIL import Image

    shot = tmp_path / "shot.png"
    p = _browse(page_path.as_uri(), f"--screenshot={shot}")
    assert shot.exists(), p.stderr.decode(errors="replace")[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 1400)
    px = np.asarray(img).reshape(-1, 3)
    assert len(np.unique(px[::7], axis=0)) > 50, "the screenshot is blank or nearly so"
    assert (px.min(axis=1) < 200).mean() > 0.05, "hardly anything is drawn on the page"
    # the chart's bars and the struck-through spun words are drawn in the page's red
    red = ((px[:, 0] > 150) & (px[:, 1] < 90) & (px[:, 2] < 80)).sum()
    assert red > 500

    p = _browse(page_path.as_uri() + "#site=crawl%2Fclean-site&min=0", "--dump-dom")
    assert p.returncode == 0, p.stderr.decode(errors="replace")[-2000:]
    dom = parse(p.stdout.decode("utf-8"))
    assert dom.svg >= 1, "plotly did not draw the chart"
    docs = {d["label"]: d for d in dom.docs}
    kim = docs[f"{crawl}/spun-site/kim.txt"]
    assert [(s, o) for s, o, _ in kim["edits"]] == expected_edits(KIM)
    hidden = {label for label, d in docs.items() if "hidden" in d["attrs"]["class"].split()}
    assert hidden == {f"{crawl}/spun-site/kim.txt", f"{crawl}/spun-site/shoigu.txt"}
    assert dom.ids["shown"] == "showing 2 of 4 documents"

    p = _browse(page_path.as_uri() + "#min=0.5", "--dump-dom")
    dom = parse(p.stdout.decode("utf-8"))
    visible = {d["label"] for d in dom.docs if "hidden" not in d["attrs"]["class"].split()}
    assert visible == {f"{crawl}/spun-site/kim.txt", f"{crawl}/spun-site/shoigu.txt"}
