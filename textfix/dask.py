"""textfix on Dask (``pip install 'textfix[dask]'``): restore and learn over collections too big
for one machine, with the same results as the command line.

* :func:`learn` is a map and a reduce: each partition's texts are counted into a
  :class:`textfix.channel.Counts` (on the workers), the partitions' counts are added up in the
  collection's order (``Counts`` merge; in order, the sum is exactly what one process counting
  every text in turn gets), and the profile is estimated once, here, from the total (this
  process loads what the estimate reads while the workers count). The estimate's per-pair LM
  gains, about two thirds of it, are computed on the workers from the total they hold while this
  process does the rest of it (``estimate(pair_gains=)``): the same profile.
* :func:`clean` restores every text on the workers, with a profile (learned, or loaded) that is
  sent to each worker once (one key of the graph), not once per task or record. textfix's tables
  and language model load on first use in each worker process and stay loaded, so a worker pays
  for them once. Each partition is restored as a few tasks (``pieces``: contiguous runs of about
  equal text length, put back together in order), so that a collection of few big partitions
  keeps every worker busy to the end; the partitions returned are the collection's.

Collections:

* a ``dask.bag.Bag`` of ``str``: each item is a document (a text);
* a Bag of JSON Lines *lines* (``dask.bag.read_text("dump-*.jsonl")``) with ``jsonl=True``: the
  ``field`` of each record is restored exactly as ``textfix clean`` rewrites a JSON Lines file
  (only that value changes, the line's other bytes stay), so the lines written out are the CLI's
  output file, byte for byte;
* a Bag of ``dict`` records: ``field`` restored in a copy of each record;
* a ``dask.dataframe.DataFrame`` (e.g. ``dask.dataframe.read_parquet``): column ``field``
  restored, every other column as it was.

textfix holds one language model per process: run workers with one thread each
(``LocalCluster(n_workers=N, threads_per_worker=1)``, ``dask worker --nthreads 1``); calls in one
process are serialised by a lock, so more threads only wait. Progress: Dask's own
(``dask.distributed.progress(future)`` or the dashboard; ``dask.diagnostics.ProgressBar`` for the
local schedulers).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from .channel import Counts, estimate, prepare
from .config import Config
from .profile import Profile

__all__ = ["clean", "learn", "counts"]

_LOCK = threading.Lock()  # one language model per process: one explain at a time


def _dask():  # noqa: ANN202
    try:
        import dask
        import dask.bag  # noqa: F401
    except ImportError:
        raise ImportError("textfix.dask needs dask: pip install 'textfix[dask]'") from None
    return dask


def _is_frame(collection: object) -> bool:
    mod = type(collection).__module__
    return mod.startswith("dask.dataframe") or mod.startswith("dask_expr") or \
        (hasattr(collection, "map_partitions") and hasattr(collection, "columns"))


def _texts_of(items: Iterable[Any], field: str, jsonl: bool) -> Iterator[str]:
    """The documents of a partition, as the command line reads them (a blank text is none)."""
    from .formats import _is_blank, process_jsonl

    if jsonl:
        found: list[str] = []

        def collect(text: str, **_: object):  # noqa: ANN202
            from .edits import Explanation

            found.append(text)
            return Explanation(text, (), 0.0)

        for line in items:
            for _ in process_jsonl([line], collect, field):
                pass
            yield from found
            found.clear()
        return
    for item in items:
        value = item.get(field) if isinstance(item, dict) else item
        if isinstance(value, str) and not _is_blank(value):
            yield value


def _count_partition(items: Iterable[Any], field: str, jsonl: bool) -> Counts:
    c = Counts()
    for text in _texts_of(items, field, jsonl):
        c.add(text)
    return c


def _sum(parts: Iterable[Counts]) -> Counts:
    total = Counts()
    for p in parts:  # in the collection's order
        total = total + p
    return total


def counts(collection: Any, *, field: str = "text", jsonl: bool = False) -> Any:
    """A lazy ``Counts`` of all the collection's documents (compute it, or give it to :func:`learn`)."""
    dask = _dask()
    if _is_frame(collection):
        parts = collection.to_delayed()
        counted = [dask.delayed(_count_frame)(p, field) for p in parts]
        return dask.delayed(_sum)(counted)
    return collection.reduction(lambda part: _count_partition(part, field, jsonl), _sum, split_every=False)


def _count_frame(frame: Any, field: str) -> Counts:
    return _count_partition(frame[field].tolist(), field, False)


def learn(collection: Any, *, field: str = "text", jsonl: bool = False, sources: tuple[str, ...] | None = None,
          prior: Profile | None = None, config: Config | None = None, **options: object) -> Profile:
    """The spinner model of the collection's documents: counts per partition on the workers, their
    sum, and one estimate here (the same profile as ``textfix.learn`` over the same texts in the
    same order, and as ``textfix learn`` / ``textfix clean --save-profile`` over the same files)."""
    cfg = config if config is not None else Config(**options)  # type: ignore[arg-type]
    # while the workers count, this process loads what the estimate reads (wordfreq's lists, the
    # language model, the tables): it only waits for the counts meanwhile
    ready = threading.Thread(target=_prepare, args=(cfg.scorer, sources), name="textfix-prepare", daemon=True)
    ready.start()
    client = _client()
    on_cluster = None
    try:
        if client is None:
            total = counts(collection, field=field, jsonl=jsonl).compute()
        else:
            # the sum stays on the worker that added it up, for the estimate's per-pair part
            on_cluster = client.compute(counts(collection, field=field, jsonl=jsonl))
            total = on_cluster.result()
    finally:
        ready.join()
    try:
        split = _gains_on_workers(client, on_cluster, cfg.scorer) if on_cluster is not None else None
        return estimate(total, prior=prior, sources=sources, scorer=cfg.scorer, pair_gains=split)
    finally:
        if on_cluster is not None:
            on_cluster.release()


def _client():  # noqa: ANN202 - a distributed.Client, or None
    """The current dask.distributed client, or None (a local scheduler)."""
    try:
        from distributed import get_client

        return get_client()
    except Exception:  # noqa: BLE001 - no distributed, or no client
        return None


#: the estimate's per-pair part (the LM gains of each candidate pair's original in its contexts,
#: about two thirds of the estimate) is split with the workers when there are at least this many
#: pairs; else it stays here (a task's round trip would cost more than it saves)
REMOTE_PAIRS = 500
#: ... this process's part, against a worker's 1: none (on 2 cores, the driver's part only took
#: CPU from the workers'); it does what needs no gains meanwhile
HERE_SHARE = 0.0


def _gains_on_workers(client: Any, total: Any, scorer: str):  # noqa: ANN202
    """``estimate``'s ``pair_gains``: the candidate pairs in ``1 + workers`` contiguous parts,
    the first computed here while each worker computes one of the others from the summed counts
    it holds or fetches (``total``, a future): the driver and the workers at once, where before
    the workers waited for the estimate. Put back in order: the same gains, the same profile."""
    import bisect
    import itertools
    import pickle

    def run(items: list, here: Any, costs: list[int]) -> Any:
        try:
            workers = sorted(client.nthreads())
        except Exception:  # noqa: BLE001 - the cluster went away: all of it here
            workers = []
        if not workers or len(items) < REMOTE_PAIRS:
            return here(items)
        # contiguous parts of about equal cost (HERE_SHARE for this process's, which also does
        # the rest of the estimate meanwhile)
        shares = [HERE_SHARE] + [1.0] * len(workers)
        prefix = [0, *itertools.accumulate(costs)]
        cuts = [0] + [bisect.bisect_left(prefix, prefix[-1] * sum(shares[:j]) / sum(shares))
                      for j in range(1, len(shares))] + [len(items)]
        parts = len(shares)
        # in and out as one pickle each: dask.distributed walks a list argument or result item by
        # item (a list of 12,000 lists of floats took 0.4-0.55 s to come back, its pickle 0.03)
        futures = [client.submit(_pair_gains, total, pickle.dumps(items[cuts[i]:cuts[i + 1]], pickle.HIGHEST_PROTOCOL),
                                 scorer, pure=False,
                                 workers=[workers[i - 1]], allow_other_workers=True) for i in range(1, parts)]
        out = here(items[cuts[0]:cuts[1]]) if cuts[1] > cuts[0] else []

        def rest() -> list[list[float]]:
            for part in client.gather(futures):
                out.extend(pickle.loads(part))
            return out

        return rest

    return run


def _pair_gains(total: Counts, pairs: bytes, scorer: str) -> bytes:
    import pickle

    from .channel import pair_gains_of

    return pickle.dumps(pair_gains_of(total, pickle.loads(pairs), scorer), pickle.HIGHEST_PROTOCOL)


def _prepare(scorer: str, sources: tuple[str, ...] | None) -> None:
    try:
        prepare(scorer, sources)
    except Exception:  # noqa: BLE001 - estimate loads them itself, and reports what fails
        pass


def _explain(text: str, profile: Profile | None, config: Config):  # noqa: ANN202
    import textfix

    with _LOCK:
        return textfix.explain(text, profile=profile, config=config)


def _clean_partition(items: list[Any], field: str, jsonl: bool, profile: Profile | None,
                     config: Config) -> list[Any]:
    from .edits import apply_edits
    from .formats import _is_blank, process_jsonl

    out: list[Any] = []
    if jsonl:
        for line in items:
            out.append("".join(p.out for p in process_jsonl([line], lambda t: _explain(t, profile, config), field)))
        return out
    for item in items:
        value = item.get(field) if isinstance(item, dict) else item
        if not isinstance(value, str) or _is_blank(value):
            out.append(item)
            continue
        ex = _explain(value, profile, config)
        new = apply_edits(value, sorted(ex.edits, key=lambda e: e.start)) if ex.edits else value
        if isinstance(item, dict):
            item = dict(item)
            item[field] = new
            out.append(item)
        else:
            out.append(new)
    return out


def _clean_frame(frame: Any, field: str, profile: Profile | None, config: Config) -> Any:
    frame = frame.copy()
    values = frame[field].tolist()
    restored = _clean_partition(values, field, False, profile, config)
    frame[field] = type(frame[field])(restored, index=frame.index, dtype=frame[field].dtype)
    return frame


#: restoring is split into about this many tasks per worker (see :func:`clean`): a few big
#: partitions on few workers leave a worker idle at the end (7 partitions on 2 workers: 4 against
#: 3), and the partitions' costs differ (0.5-1.1 CPU-s for ~43 BBC articles each)
TASKS_PER_WORKER = 8
#: ... and a partition into at most this many pieces
MAX_PIECES = 16


def _workers() -> int:
    """The number of workers of the current dask.distributed client, else the local cores."""
    client = _client()
    try:
        n = len(client.nthreads()) if client is not None else 0  # worker address -> threads
    except Exception:  # noqa: BLE001 - the cluster went away: a local scheduler
        n = 0
    return n if n > 0 else (os.cpu_count() or 1)


def _weight(item: Any, field: str) -> int:
    """What restoring ``item`` costs, about: its text's length (a record's ``field``, or the
    item itself), 1 for anything else."""
    value = item.get(field) if isinstance(item, dict) else item
    return len(value) if isinstance(value, str) else 1


def _bounds(weights: list[int], n: int) -> list[tuple[int, int]]:
    """``n`` contiguous ranges of the items, of about equal total weight (text length: what
    restoring costs): each item goes to the piece its middle falls in (some may be empty)."""
    total = sum(weights) or 1
    ends = [0] * n
    acc = 0
    for i, w in enumerate(weights):
        k = min(n - 1, int((2 * acc + w) * n // (2 * total)))
        ends[k] = i + 1
        acc += w
    out, start = [], 0
    for e in ends:
        e = max(e, start)
        out.append((start, e))
        start = e
    return out


def _split(items: Iterable[Any], n: int, field: str) -> tuple[list[Any], ...]:
    items = list(items)
    return tuple(items[a:b] for a, b in _bounds([_weight(x, field) for x in items], n))


def _split_frame(frame: Any, n: int, field: str) -> tuple[Any, ...]:
    weights = [_weight(v, field) for v in frame[field].tolist()]
    return tuple(frame.iloc[a:b] for a, b in _bounds(weights, n))


def _concat(parts: list[list[Any]]) -> list[Any]:
    return [x for part in parts for x in part]


def _concat_frames(parts: list[Any]) -> Any:
    import pandas as pd

    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _shared(dask: Any, profile: Profile) -> Any:
    """The profile as one key of the graph (one copy per worker). Named by a digest of its
    pickle, and not traversed: ``dask.delayed(profile)`` would walk and tokenize its thousands of
    entries (dataclasses) looking for dask objects, 1.4 s of this process's CPU per call for the
    300 BBC articles' profile (3,974 rows), before any task can start."""
    import hashlib
    import pickle

    digest = hashlib.blake2b(pickle.dumps(profile, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).hexdigest()
    return dask.delayed(profile, name=f"textfix-profile-{digest}", traverse=False)


def clean(collection: Any, *, field: str = "text", jsonl: bool = False, profile: Profile | str | None = None,
          config: Config | None = None, pieces: int | None = None, **options: object) -> Any:
    """The collection with each document restored (lazy: a Bag or DataFrame of the same kind, with
    the same partitions).

    ``profile``: a :class:`textfix.Profile` (e.g. ``learn(collection)``), a saved profile's path
    (loaded here), or None (each document judged alone). It reaches each worker once.

    ``pieces``: each partition is restored as this many tasks (contiguous pieces of about equal
    text length, put back together in order: the partitions and their contents are as with one),
    so that few big partitions keep every worker busy to the end. By default, enough for about
    ``TASKS_PER_WORKER`` tasks per worker of the current client (1, no split, when the collection
    has that many partitions already); at most ``MAX_PIECES``."""
    dask = _dask()
    cfg = config if config is not None else Config(**options)  # type: ignore[arg-type]
    if isinstance(profile, str):
        profile = Profile.load(profile)
    shared = _shared(dask, profile) if profile is not None else None
    frame = _is_frame(collection)
    n = collection.npartitions
    if pieces is None:
        pieces = min(MAX_PIECES, max(1, -(-TASKS_PER_WORKER * _workers() // max(1, n))))
    if pieces < 1:
        raise ValueError(f"pieces must be at least 1, not {pieces}")
    if pieces == 1:
        if frame:
            return collection.map_partitions(_clean_frame, field, shared, cfg, meta=collection._meta)
        return collection.map_partitions(_clean_partition, field, jsonl, shared, cfg)
    delayed = dask.delayed
    out = []
    for part in collection.to_delayed():
        if frame:
            split = delayed(_split_frame, nout=pieces, pure=True)(part, pieces, field)
            done = [delayed(_clean_frame, pure=True)(split[j], field, shared, cfg) for j in range(pieces)]
            out.append(delayed(_concat_frames, pure=True)(done))
        else:
            split = delayed(_split, nout=pieces, pure=True)(part, pieces, field)
            done = [delayed(_clean_partition, pure=True)(split[j], field, jsonl, shared, cfg) for j in range(pieces)]
            out.append(delayed(_concat, pure=True)(done))
    if frame:
        import dask.dataframe as dd

        return dd.from_delayed(out, meta=collection._meta, divisions=collection.divisions, verify_meta=False)
    import dask.bag as db

    return db.from_delayed(out)

