"""textfix on Apache Spark (``pip install 'textfix[spark]'``; Spark needs a Java runtime): the
recipe, as two functions.

* :func:`learn` maps each partition of a DataFrame's text column to a
  :class:`textfix.channel.Counts` on the executors, collects them in partition order, adds them up
  and estimates the profile once, on the driver (the same profile as ``textfix.learn`` over the
  same texts in the same order).
* :func:`clean` restores the column with ``DataFrame.mapInPandas``: the profile is a broadcast
  variable (sent to each executor once), textfix's tables and language model load once per Python
  worker (Spark reuses its workers), and every other column comes back as it was, in the
  DataFrame's own schema.

Usage::

    from pyspark.sql import SparkSession
    import textfix.spark

    spark = SparkSession.builder.getOrCreate()
    df = spark.read.parquet("crawl/*.parquet")
    profile = textfix.spark.learn(df, field="text")
    textfix.spark.clean(df, field="text", profile=profile).write.parquet("restored/")

Progress: Spark's own (the console progress bar, the web UI).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from .channel import Counts, estimate
from .config import Config
from .profile import Profile

__all__ = ["clean", "learn"]

_LOCK = threading.Lock()  # one language model per process: one explain at a time


def _count_rows(rows: Iterable[Any]) -> Iterator[Counts]:
    from .formats import _is_blank

    c = Counts()
    for row in rows:
        value = row[0]
        if isinstance(value, str) and not _is_blank(value):
            c.add(value)
    yield c


def learn(df: Any, *, field: str = "text", sources: tuple[str, ...] | None = None, prior: Profile | None = None,
          config: Config | None = None, **options: object) -> Profile:
    """The spinner model of column ``field`` of ``df``: Counts per partition, summed in order on
    the driver, one estimate."""
    cfg = config if config is not None else Config(**options)  # type: ignore[arg-type]
    parts = df.select(field).rdd.mapPartitions(_count_rows).collect()  # in partition order
    total = Counts()
    for p in parts:
        total = total + p
    return estimate(total, prior=prior, sources=sources, scorer=cfg.scorer)


def _restore_frames(frames: Iterator[Any], field: str, shared: Any, config: Config) -> Iterator[Any]:
    """mapInPandas's function: each pandas frame with column ``field`` restored."""
    import textfix

    from .edits import apply_edits
    from .formats import _is_blank

    profile = shared.value if shared is not None else None
    for frame in frames:
        new = []
        for v in frame[field].tolist():
            if isinstance(v, str) and not _is_blank(v):
                with _LOCK:
                    ex = textfix.explain(v, profile=profile, config=config)
                v = apply_edits(v, sorted(ex.edits, key=lambda e: e.start)) if ex.edits else v
            new.append(v)
        frame = frame.copy()
        frame[field] = new
        yield frame


def _restorer(field: str, shared: Any, config: Config):  # noqa: ANN202
    # a closure over picklable values only; the work is a module function (pickled by reference)
    return lambda frames: _restore_frames(frames, field, shared, config)


def clean(df: Any, *, field: str = "text", profile: Profile | str | None = None, config: Config | None = None,
          **options: object) -> Any:
    """``df`` with column ``field`` restored (lazy, a DataFrame of the same schema). ``profile``:
    a :class:`textfix.Profile`, a saved profile's path (loaded on the driver), or None."""
    cfg = config if config is not None else Config(**options)  # type: ignore[arg-type]
    if isinstance(profile, str):
        profile = Profile.load(profile)
    shared = df.sparkSession.sparkContext.broadcast(profile) if profile is not None else None
    return df.mapInPandas(_restorer(field, shared, cfg), schema=df.schema)
