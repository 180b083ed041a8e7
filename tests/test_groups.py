"""--group-by FIELD: one profile learned per site (the records' site or domain field), each record
restored with its own site's profile, by clean / scan / learn / report, over JSON Lines and Parquet."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import textfix
from textfix.groups import GroupCounts, estimate_groups, load_groups, save_groups

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = [p for name in ("spun-nyt-kim.txt", "spun-wt-shoigu.txt")
         for p in (FIXTURES / name).read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
CLEAN = [
    "The council said on Tuesday that the new bridge would open next spring, a year later than planned.",
    "Engineers found cracks in two supports last month, the transport director said.",
    "Local businesses said the delay had hurt trade, and one shop owner said customers had stopped coming.",
    "The hospital said it would hire forty more nurses this year to cut waiting times.",
    "Police said the road would stay closed overnight while the damage was repaired.",
    "The school said pupils would return on Monday after the heating system was fixed.",
]
# a spun site and a clean one, interleaved as a crawl mixes them; one record names no site
RECORDS = ([{"domain": "spun.example", "text": p} for p in PAGES * 2]
           + [{"domain": "clean.example", "text": c} for c in CLEAN * 2] + [{"text": CLEAN[0]}])
RECORDS = RECORDS[::2] + RECORDS[1::2]


def site_texts(domain: str | None) -> list[str]:
    return [r["text"] for r in RECORDS if r.get("domain") == domain]


def test_learn_writes_a_profile_per_site_that_clean_replays(tf, tmp_path):
    dump = tmp_path / "crawl.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    rc, _, err = tf("learn", dump, "--group-by", "domain", "-o", tmp_path / "profiles")
    assert rc == 0, err
    groups = load_groups(str(tmp_path / "profiles"))
    assert set(groups.profiles) == {"spun.example", "clean.example", None}
    spun = textfix.learn(site_texts("spun.example"))
    assert [(e.spun, e.original) for e in groups.get("spun.example")] == [(e.spun, e.original) for e in spun]
    assert any(e.spun == ("mentioned",) for e in spun)

    # clean --group-by learns the same per-site profiles itself (the sites with enough text)
    rc, _, err = tf("clean", dump, "--group-by", "domain", "-o", tmp_path / "out", "--save-profile", tmp_path / "p2")
    assert rc == 0, err
    assert "learned 1 site profile" in err
    got = [json.loads(line) for line in (tmp_path / "out" / "crawl.jsonl").read_text(encoding="utf-8").splitlines()]
    want = []
    for r in RECORDS:
        prof = spun if r.get("domain") == "spun.example" else None
        want.append(dict(r, text=textfix.restore(r["text"], profile=prof)))
    assert got == want
    assert [g["text"] for g, r in zip(got, RECORDS) if r.get("domain") != "spun.example"] == \
        [r["text"] for r in RECORDS if r.get("domain") != "spun.example"]
    # ... and --profile FOLDER replays a saved set
    rc, _, err = tf("clean", dump, "--group-by", "domain", "--profile", tmp_path / "p2", "-o", tmp_path / "out2")
    assert rc == 0, err
    assert (tmp_path / "out2" / "crawl.jsonl").read_bytes() == (tmp_path / "out" / "crawl.jsonl").read_bytes()


def test_group_by_on_parquet_and_in_the_report(tf, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pytest.importorskip("plotly")
    src = tmp_path / "crawl.parquet"
    pq.write_table(pa.table({"domain": [r.get("domain") for r in RECORDS], "text": [r["text"] for r in RECORDS]}),
                   src, row_group_size=7)
    rc, _, err = tf("clean", src, "--group-by", "domain", "-o", tmp_path / "out")
    assert rc == 0, err
    spun = textfix.learn(site_texts("spun.example"))
    got = pq.read_table(tmp_path / "out" / "crawl.parquet")["text"].to_pylist()
    assert got == [textfix.restore(r["text"], profile=spun if r.get("domain") == "spun.example" else None)
                   for r in RECORDS]
    rc, _, err = tf("report", src, "--group-by", "domain", "-o", tmp_path / "r.html")
    assert rc == 0, err
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count('data-site="spun.example"') == len(site_texts("spun.example")) + 1  # + its table row
    assert page.count('data-site="clean.example"') == len(site_texts("clean.example")) + 1


def test_group_counts_merge_and_save(tmp_path):
    a, b = GroupCounts(), GroupCounts()
    for i, r in enumerate(RECORDS):
        (a if i < 20 else b).add(r["text"], group=r.get("domain"))
    whole = GroupCounts()
    for r in RECORDS:
        whole.add(r["text"], group=r.get("domain"))
    merged = a + b
    assert merged.docs == whole.docs == len(RECORDS) and merged.words == whole.words
    pa_, pw = estimate_groups(merged), estimate_groups(whole)
    assert set(pa_) == set(pw) == {"spun.example"}
    save_groups(pa_, str(tmp_path / "g"))
    back = load_groups(str(tmp_path / "g"))
    assert [(e.spun, e.original, e.seen) for e in back.get("spun.example")] == \
        [(e.spun, e.original, e.seen) for e in pw["spun.example"]]
    assert back.get("clean.example") is None and back.get(None) is None
