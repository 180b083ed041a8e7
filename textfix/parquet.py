"""Restoring one string column of a Parquet file (pyarrow), row group by row group.

:func:`process_parquet` reads a Parquet file in batches of :data:`BATCH_ROWS` rows within each row
group (never the whole file), restores the chosen string column of every row (each row is one
document, as a JSON Lines record is), and yields a :class:`~textfix.formats.Piece` per batch with
its edits, scores and records (``line`` is the row number, from 1). With ``out``, it writes the
restored file there: the same Arrow schema (with its metadata, e.g. pandas'), every other column's
values as they were, each column with the compression the input used for it, and the input's row
groups (a row group larger than :data:`GROUP_BYTES` in memory is written in parts). A file in which
no row changes is written back byte for byte (a copy of the input, not a re-encoding).

pyarrow is an optional dependency (``pip install 'textfix[parquet]'``); without it a Parquet input
is an :class:`~textfix.fileio.InputError` that says so.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from .edits import Explanation, apply_edits
from .fileio import InputError
from .formats import Piece, _edit_dict, _is_blank

__all__ = ["process_parquet", "BATCH_ROWS", "GROUP_BYTES", "PARQUET_SUFFIXES"]

#: Rows restored (and held in memory) at a time. Memory, not speed, sets it: a batch is a few MB
#: of news articles; the per-row work dwarfs the per-batch cost.
BATCH_ROWS = 1024
#: A row group whose restored batches exceed this many bytes in memory is written out in parts
#: (so a file written with one huge row group is still restored in bounded memory: the batches of
#: a row group are held until it is written). Measured on 10,000 news articles in one row group
#: (25 MB of text, a stand-in restorer, benchmarks/RESULTS.md issue 15): peak RSS 161 MB holding
#: up to 64 MB, 158 MB at 16 MB, 148 MB at 8 MB; row groups of a few MB are still ordinary ones.
GROUP_BYTES = 8 * 1024 * 1024
PARQUET_SUFFIXES = (".parquet", ".pq")

Explain = Callable[[str], Explanation]


def _pyarrow():  # noqa: ANN202 - (pyarrow, pyarrow.parquet)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow: pip install 'textfix[parquet]'") from None
    return pa, pq


def _is_text(pa, t) -> bool:  # noqa: ANN001
    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or \
        (hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t))


def _compression(pf) -> dict[str, str] | str:  # noqa: ANN001
    """The codec of each column chunk of the first row group (``{path: codec}``)."""
    md = pf.metadata
    if md.num_row_groups == 0:
        return "snappy"
    rg = md.row_group(0)
    codecs = {rg.column(j).path_in_schema: rg.column(j).compression.lower() for j in range(rg.num_columns)}
    return {k: ("none" if v == "uncompressed" else v) for k, v in codecs.items()}


def _seekable(fp: BinaryIO) -> BinaryIO:
    """``fp`` itself if it can seek, else a temporary copy (a Parquet footer is read first)."""
    try:
        if fp.seekable():
            return fp
    except (AttributeError, OSError):
        pass
    tmp = tempfile.TemporaryFile()
    shutil.copyfileobj(fp, tmp, 1 << 20)
    tmp.seek(0)
    return tmp


def process_parquet(fp: BinaryIO, explain: Explain, field_name: str = "text", *, out: BinaryIO | None = None,
                    label: str = "", group_field: str | None = None) -> Iterator[Piece]:
    """Restore column ``field_name`` of the Parquet file ``fp``; see the module's docstring.

    ``group_field``: a column naming each row's site or domain, given to ``explain`` as
    ``group=`` and kept in each record's ``group`` (as :func:`textfix.formats.process_jsonl` does).

    The pieces' ``src`` and ``out`` are empty (the file is binary); ``rewritten`` says a batch
    changed. ``out`` receives the whole restored file once the input is read to its end.
    """
    pa, pq = _pyarrow()
    fp = _seekable(fp)
    start = fp.tell()
    try:
        pf = pq.ParquetFile(fp)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"{label}: not a readable Parquet file ({exc})") from None
    schema = pf.schema_arrow
    idx = schema.get_field_index(field_name)
    if idx < 0 or not _is_text(pa, schema.field(idx).type):
        what = "no column" if idx < 0 else f"column {field_name!r} is {schema.field(idx).type}, not a"
        problem = (f"no column {field_name!r} (choose the string column with --field; it has "
                   f"{', '.join(schema.names[:8])}{', ...' if len(schema.names) > 8 else ''})"
                   if idx < 0 else f"{what} string column (choose one with --field)")
        if out is not None:
            _copy(fp, start, out)
        yield Piece("", "", warnings=[problem])
        return
    ftype = schema.field(idx).type
    gidx = schema.get_field_index(group_field) if group_field is not None else -1
    warnings = [f"no column {group_field!r} to group by"] if group_field is not None and gidx < 0 else []
    spool = tempfile.TemporaryFile() if out is not None else None
    writer = None
    changed = False
    row = 0
    try:
        if spool is not None:
            writer = pq.ParquetWriter(spool, schema, compression=_compression(pf),
                                      version=pf.metadata.format_version)
        for rg in range(pf.num_row_groups):
            held: list = []
            held_bytes = 0
            for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[rg], use_threads=False):
                groups = batch.column(gidx).to_pylist() if gidx >= 0 else None
                piece, new_values = _restore_batch(batch.column(idx), explain, field_name, row, groups)
                piece.warnings, warnings = warnings, []
                row += batch.num_rows
                if new_values is not None:
                    changed = True
                    column = pa.array(new_values, type=ftype.value_type if pa.types.is_dictionary(ftype) else ftype)
                    if pa.types.is_dictionary(ftype):
                        column = column.dictionary_encode().cast(ftype)
                    batch = pa.RecordBatch.from_arrays(
                        [column if j == idx else batch.column(j) for j in range(batch.num_columns)], schema=schema)
                if writer is not None:
                    held.append(batch)
                    held_bytes += batch.nbytes
                    if held_bytes >= GROUP_BYTES:
                        _write_group(pa, writer, held, schema)
                        held, held_bytes = [], 0
                yield piece
            if writer is not None and held:
                _write_group(pa, writer, held, schema)
        if writer is not None:
            writer.close()
            writer = None
            if changed:
                _copy(spool, 0, out)  # type: ignore[arg-type]
            else:
                _copy(fp, start, out)  # type: ignore[arg-type]
    except (pa.ArrowException, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, pa.ArrowException):
            raise
        raise InputError(f"{label}: cannot read the Parquet file near row {row + 1} ({exc})") from None
    finally:
        if writer is not None:
            writer.close()
        if spool is not None:
            spool.close()


def _write_group(pa, writer, batches: list, schema) -> None:  # noqa: ANN001
    table = pa.Table.from_batches(batches, schema=schema)
    writer.write_table(table, row_group_size=max(1, table.num_rows))


def _restore_batch(column, explain: Explain, field_name: str, first_row: int,  # noqa: ANN001
                   groups: list | None = None) -> tuple[Piece, list | None]:
    """Restore each string of ``column``; the Piece, and the new values (None if none changed)."""
    from .formats import group_of

    values = column.to_pylist()
    piece = Piece("", "")
    new: list | None = None
    for i, value in enumerate(values):
        if not isinstance(value, str) or _is_blank(value):
            continue
        line = first_row + i + 1
        if groups is None:
            ex = explain(value)
        else:
            group = group_of(groups[i])
            ex = explain(value, group=group)  # type: ignore[call-arg]
        piece.scores.append((ex.spin_score, len(value)))
        piece.notes.extend(f"row {line}: {n}" for n in ex.notes)
        ed = sorted(ex.edits, key=lambda e: e.start)
        piece.records.append({"line": line, "spin_score": round(ex.spin_score, 4), "edits": len(ed)})
        if groups is not None:
            piece.records[-1]["group"] = group
        if ed:
            if new is None:
                new = list(values)
            new[i] = apply_edits(value, ed)
            piece.edits.extend(_edit_dict(e, e.start, e.end, line, field=field_name) for e in ed)
    piece.rewritten = new is not None
    return piece, new


def _copy(src: BinaryIO, start: int, out: BinaryIO) -> None:
    src.seek(start)
    while True:
        block = src.read(1 << 20)
        if not block:
            return
        out.write(block)
