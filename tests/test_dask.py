"""textfix.dask on a real dask.distributed LocalCluster of 2 worker processes: the same outputs and
the same learned profile as the command line over the same JSON Lines records; bags of texts and
records and a DataFrame restored as the library restores each text; tables, language model and
profile loaded once per worker."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.bag", reason="dask is not installed (pip install 'textfix[dask]')")
distributed = pytest.importorskip("dask.distributed", reason="dask.distributed is not installed "
                                                             "(pip install 'textfix[dask]')")

import dask.bag as db  # noqa: E402

import textfix  # noqa: E402
from textfix import Profile  # noqa: E402
from textfix import dask as tdask  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
# the two real spun seed articles cut into paragraphs (each twice: a site that republishes), and
# clean news items of our own
PAGES = [p for name in ("spun-nyt-kim.txt", "spun-wt-shoigu.txt")
         for p in (FIXTURES / name).read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
CLEAN = [
    "The council said on Tuesday that the new bridge would open next spring, a year later than planned.",
    "Engineers found cracks in two supports last month, the transport director said.",
    "The hospital said it would hire forty more nurses this year to cut waiting times.",
]
RECORDS = [{"id": i, "site": f"site{i % 3}", "text": t} for i, t in enumerate(PAGES * 2 + CLEAN)]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dask") / "dump.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cli(dump, tmp_path_factory) -> tuple[bytes, str]:
    """``textfix clean dump.jsonl -o OUT --save-profile P``: the restored file and the profile."""
    out = tmp_path_factory.mktemp("cli")
    p = subprocess.run([sys.executable, "-m", "textfix", "clean", str(dump), "-o", str(out / "o"),
                        "--save-profile", str(out / "p.tsv"), "-q"], capture_output=True, cwd=REPO, timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    return (out / "o" / dump.name).read_bytes(), (out / "p.tsv").read_text(encoding="utf-8")


def test_two_workers_learn_and_clean_as_the_cli_does(client, dump, cli, tmp_path):
    bag = db.read_text(str(dump), blocksize=4000)  # several partitions, spread over both workers
    assert bag.npartitions >= 4
    profile = tdask.learn(bag, jsonl=True)
    profile.save(tmp_path / "p.tsv")
    assert (tmp_path / "p.tsv").read_text(encoding="utf-8") == cli[1]
    out = "".join(tdask.clean(bag, jsonl=True, profile=profile).compute())
    assert out.encode("utf-8") == cli[0]
    assert out != dump.read_text(encoding="utf-8")
    # each worker loaded the language model and the tables once, and got the profile once
    def loads() -> tuple[int, int, int]:
        from textfix import pipeline, scoring, tables

        return (scoring.get_scorer.cache_info().misses, tables.lexicon.cache_info().misses,
                len(pipeline._PROFILE_LEXICONS))
    per_worker = client.run(loads)
    assert len(per_worker) == 2
    for scorer_loads, lexicon_loads, profiles in per_worker.values():
        assert scorer_loads == 1 and lexicon_loads <= 2 and profiles == 1


def test_the_estimate_shared_with_the_workers_gives_the_same_profile(client, dump, monkeypatch):
    """learn's estimate computes its per-pair gains in parts, here and on each worker at once:
    the profile is the one estimated in one process, whatever the parts."""
    from textfix.channel import Counts, estimate

    bag = db.read_text(str(dump), blocksize=4000)
    total = Counts()
    for r in RECORDS:
        total.add(r["text"])
    alone = estimate(total).entries
    calls = []
    real = tdask._gains_on_workers

    def spy(*args):  # noqa: ANN202
        run = real(*args)

        def wrapped(items, here, costs):  # noqa: ANN001, ANN202
            calls.append(len(items))
            return run(items, here, costs)

        return wrapped

    monkeypatch.setattr(tdask, "_gains_on_workers", spy)
    for share in (0.0, 0.8, 5.0):  # this process's part: none (the default), some, most
        monkeypatch.setattr(tdask, "REMOTE_PAIRS", 1)
        monkeypatch.setattr(tdask, "HERE_SHARE", share)
        assert tdask.learn(bag, jsonl=True).entries == alone
    assert len(calls) == 3 and calls[0] > 10


def test_bags_of_texts_and_records(client, tmp_path):
    texts = [r["text"] for r in RECORDS]
    profile = textfix.learn(texts)
    bag = db.from_sequence(texts, npartitions=5)
    tdask.learn(bag).save(tmp_path / "a.tsv")
    profile.save(tmp_path / "b.tsv")
    assert (tmp_path / "a.tsv").read_text() == (tmp_path / "b.tsv").read_text()
    got = tdask.clean(bag, profile=profile).compute()
    assert got == [textfix.restore(t, profile=profile) for t in texts]
    # records: the field restored in a copy, everything else kept; a saved profile's path works too
    recs = RECORDS + [{"id": 99, "text": None}, {"id": 100}]
    got = tdask.clean(db.from_sequence(recs, npartitions=3), profile=str(tmp_path / "b.tsv")).compute()
    loaded = Profile.load(tmp_path / "b.tsv")
    assert got[:len(RECORDS)] == [dict(r, text=textfix.restore(r["text"], profile=loaded)) for r in RECORDS]
    assert got[len(RECORDS):] == [{"id": 99, "text": None}, {"id": 100}]
    # no profile: each text judged alone
    assert tdask.clean(db.from_sequence(CLEAN + PAGES[:2], npartitions=2)).compute() == \
        [textfix.restore(t) for t in CLEAN + PAGES[:2]]


def _records_frame(npartitions: int):  # noqa: ANN202 - (pandas frame, its dask frame, learned profile)
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame(RECORDS)
    ddf = dd.from_pandas(frame, npartitions=npartitions)
    return frame, ddf, tdask.learn(ddf, field="text")


def test_a_dataframe_column(client):
    frame, ddf, profile = _records_frame(4)
    texts = frame["text"].tolist()
    assert [(e.spun, e.original) for e in profile] == [(e.spun, e.original) for e in textfix.learn(texts)]
    got = tdask.clean(ddf, field="text", profile=profile).compute()
    assert got["text"].tolist() == [textfix.restore(t, profile=profile) for t in texts]
    assert got["id"].tolist() == frame["id"].tolist() and got["site"].tolist() == frame["site"].tolist()
    assert list(got.columns) == list(frame.columns)


def test_partitions_restored_in_pieces_as_whole(client, dump):
    """A partition restored as several tasks (pieces of about equal text length, put back in
    order) gives the same partitions with the same contents as one task per partition."""
    bag = db.read_text(str(dump), blocksize=10_000)
    profile = tdask.learn(bag, jsonl=True)
    whole = tdask.clean(bag, jsonl=True, profile=profile, pieces=1)
    assert whole.npartitions == bag.npartitions
    want = whole.to_delayed()
    for pieces in (None, 3, len(RECORDS) + 2):  # the default (several per partition here), more pieces than lines
        split = tdask.clean(bag, jsonl=True, profile=profile, pieces=pieces)
        assert split.npartitions == bag.npartitions
        assert [p.compute() for p in split.to_delayed()] == [p.compute() for p in want]
    texts = [r["text"] for r in RECORDS]
    got = tdask.clean(db.from_sequence(texts, npartitions=2), profile=profile, pieces=4).compute()
    assert got == [textfix.restore(t, profile=profile) for t in texts]
    with pytest.raises(ValueError):
        tdask.clean(bag, pieces=0)


def test_a_dataframe_in_pieces(client):
    frame, ddf, profile = _records_frame(2)
    got = tdask.clean(ddf, field="text", profile=profile, pieces=3)
    assert got.npartitions == ddf.npartitions
    got = got.compute()
    assert got["text"].tolist() == [textfix.restore(t, profile=profile) for t in frame["text"]]
    assert got.index.tolist() == frame.index.tolist() and list(got.columns) == list(frame.columns)


def test_pieces_of_about_equal_length():
    from textfix.dask import _bounds

    assert _bounds([5] * 7, 3) == [(0, 2), (2, 5), (5, 7)]
    assert _bounds([1, 1, 1, 100], 2) == [(0, 3), (3, 4)]  # a long text alone
    assert _bounds([1, 1], 3) == [(0, 1), (1, 1), (1, 2)]  # fewer items than pieces: some empty
    assert _bounds([], 2) == [(0, 0), (0, 0)]
    for weights in ([3, 9, 1, 1, 7, 2, 2, 8], [0, 0, 4], [10]):
        for n in (1, 2, 3, 5):
            b = _bounds(weights, n)
            assert len(b) == n and b[0][0] == 0 and b[-1][1] == len(weights)
            assert all(x[1] == y[0] and x[0] <= x[1] for x, y in zip(b, b[1:]))
