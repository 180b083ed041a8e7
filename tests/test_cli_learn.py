"""The command line's learning: textfix learn, clean/scan --profile, learning from a run's inputs."""
from __future__ import annotations

from pathlib import Path

import textfix
from textfix import Profile
from textfix.channel import LEARN_MIN_TEXTS

FIXTURES = Path(__file__).parent / "fixtures"

# our own clean prose: ten short news items
CLEAN_ITEMS = [
    "The council said on Tuesday that the new bridge would open next spring, a year later than planned.",
    "Engineers found cracks in two supports last month, the transport director said.",
    "Local businesses said the delay had hurt trade, and one shop owner said customers had stopped coming.",
    "The hospital said it would hire forty more nurses this year to cut waiting times.",
    "Police said the road would stay closed overnight while the damage was repaired.",
    "The school said pupils would return on Monday after the heating system was fixed.",
    "The club said its new stadium would hold twenty thousand fans when it opens in August.",
    "Farmers said the dry summer had cut the wheat harvest by about a third.",
    "The airline said it would add three daily flights to the capital from next month.",
    "Residents said they had waited two years for the new library to be finished.",
]


def site_pages(root: Path) -> Path:
    """The two real spun seed articles cut into pages of a few paragraphs, each page also in a
    second section of the site (a small site that republishes: 3,000 body words)."""
    d = root / "site"
    d.mkdir()
    n = 0
    for name in ("spun-nyt-kim.txt", "spun-wt-shoigu.txt"):
        paras = [p for p in (FIXTURES / name).read_text(encoding="utf-8").split("\n\n") if p.strip()]
        for k in range(0, len(paras), 3):
            for section in ("news", "world"):
                (d / f"{section}{n:02d}.txt").write_text("\n\n".join(paras[k:k + 3]) + "\n", encoding="utf-8")
            n += 1
    assert 2 * n >= LEARN_MIN_TEXTS
    return d


def test_learn_writes_a_profile_and_says_what_it_found(tf, tmp_path):
    site = site_pages(tmp_path)
    out = tmp_path / "site.profile.tsv"
    rc, _, err = tf("learn", site, "-o", out)
    assert rc == 0, err
    p = Profile.load(out)
    assert any(e.spun == ("mentioned",) and e.original == ("said",) for e in p)
    assert "learned the spinner of" in err and "said -> mentioned" in err


def test_learn_to_stdout(tf, tmp_path):
    rc, out, _ = tf("learn", site_pages(tmp_path), "-o", "-", "-q")
    assert rc == 0 and out.startswith("# textfix-profile 1\n")


def test_clean_learns_from_its_inputs_and_the_profile_replays(tf, tmp_path):
    site = site_pages(tmp_path)
    saved = tmp_path / "saved.tsv"
    rc, _, err = tf("clean", site, "-o", tmp_path / "a", "--save-profile", saved, "-j", "1")
    assert rc == 0, err
    assert "learned the spinner of" in err
    rc, _, _ = tf("clean", site, "-o", tmp_path / "b", "--profile", saved, "-j", "1")
    assert rc == 0
    a = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "a").iterdir()}
    b = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "b").iterdir()}
    assert a == b
    profile = Profile.load(saved)
    for page in sorted(site.iterdir()):
        assert a[page.name] == textfix.restore(page.read_text(encoding="utf-8"), profile=profile)


def test_no_learn_judges_each_file_alone(tf, tmp_path):
    site = site_pages(tmp_path)
    rc, _, err = tf("clean", site, "-o", tmp_path / "out", "--no-learn", "-j", "1")
    assert rc == 0 and "learned" not in err
    for page in site.iterdir():
        assert (tmp_path / "out" / page.name).read_text(encoding="utf-8") == textfix.restore(
            page.read_text(encoding="utf-8"))


def test_a_folder_of_clean_text_learns_and_changes_nothing(tf, tmp_path):
    d = tmp_path / "clean"
    d.mkdir()
    for k, item in enumerate(CLEAN_ITEMS):
        (d / f"{k}.txt").write_text(item + "\n", encoding="utf-8")
    rc, out, err = tf("clean", d, "--check", "-j", "1")
    assert rc == 0, (out, err)


def test_few_documents_are_not_learned_from(tf, tmp_path):
    d = tmp_path / "two"
    d.mkdir()
    for k in range(2):
        (d / f"{k}.txt").write_text(CLEAN_ITEMS[k] + "\n", encoding="utf-8")
    rc, _, err = tf("clean", d, "--check", "--save-profile", tmp_path / "p.tsv")
    assert rc == 0 and "nothing learned" in err and not (tmp_path / "p.tsv").exists()


def test_bad_profile_is_one_line(tf, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# textfix-profile 1\nnot a header\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(CLEAN_ITEMS[0] + "\n", encoding="utf-8")
    rc, _, err = tf("clean", tmp_path / "a.txt", "--profile", bad)
    assert rc == 3 and f"{bad}:" in err and "Traceback" not in err
    rc, _, err = tf("scan", tmp_path / "a.txt", "--profile", tmp_path / "missing.tsv")
    assert rc == 2 and "no such file" in err


def test_scan_with_a_profile(tf, tmp_path):
    site = site_pages(tmp_path)
    prof = tmp_path / "p.tsv"
    assert tf("learn", site, "-o", prof, "-q")[0] == 0
    rc, out, _ = tf("scan", site, "--profile", prof, "--csv")
    assert rc == 0 and out.count("\n") == len(list(site.iterdir())) + 1


def test_learn_reports_what_its_walk_found(tf, tmp_path):
    d = tmp_path / "notes"
    d.mkdir()
    (d / "a.md").write_text(CLEAN_ITEMS[0] + "\n", encoding="utf-8")
    rc, _, err = tf("learn", d, "-o", tmp_path / "p.tsv")
    assert rc == 3 and "no file in this folder matches" in err
    site = site_pages(tmp_path)
    (site / "copy.txt").hardlink_to(next(site.glob("news*.txt")))
    rc, _, err = tf("learn", site, "-o", tmp_path / "p.tsv")
    assert rc == 0 and "each file is processed once per run" in err
