"""textfix on Dask (``pip install 'textfix[dask]'``): restore and learn over collections too big
for one machine, with the same results as the command line.

* :func:`learn` is a map and a reduce: each partition's texts are counted into a
  :class:`textfix.channel.Counts` (on the workers), the partitions' counts are added up in the
  collection's order (``Counts`` merge; in order, the sum is exactly what one process counting
  every text in turn gets), and the profile is estimated once, here, from the total.
* :func:`clean` restores every text on the workers, with a profile (learned, or loaded) that is
  sent to each worker once (one key of the graph), not once per task or record. textfix's tables
  and language model load on first use in each worker process and stay loaded, so a worker pays
  for them once.

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

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from .channel import Counts, estimate
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
    total = counts(collection, field=field, jsonl=jsonl).compute()
    return estimate(total, prior=prior, sources=sources, scorer=cfg.scorer)


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


def clean(collection: Any, *, field: str = "text", jsonl: bool = False, profile: Profile | str | None = None,
          config: Config | None = None, **options: object) -> Any:
    """The collection with each document restored (lazy: a Bag or DataFrame of the same kind).

    ``profile``: a :class:`textfix.Profile` (e.g. ``learn(collection)``), a saved profile's path
    (loaded here), or None (each document judged alone). It reaches each worker once."""
    dask = _dask()
    cfg = config if config is not None else Config(**options)  # type: ignore[arg-type]
    if isinstance(profile, str):
        profile = Profile.load(profile)
    shared = dask.delayed(profile, pure=True) if profile is not None else None
    if _is_frame(collection):
        return collection.map_partitions(_clean_frame, field, shared, cfg, meta=collection._meta)
    return collection.map_partitions(_clean_partition, field, jsonl, shared, cfg)

