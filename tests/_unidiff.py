"""Test helper: apply a unified diff as ``patch`` would, to check textfix's --diff output."""
from __future__ import annotations

import re


def _split_lines(s: str) -> list[str]:
    parts = s.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def apply_unified(old: str, diff: str) -> str:
    """Apply a one-file unified diff (as ``patch`` would), checking every context line."""
    a = _split_lines(old)
    d = _split_lines(diff)
    out: list[str] = []
    i = k = 0
    while k < len(d) and not d[k].startswith("@@"):
        k += 1
    while k < len(d):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", d[k])
        assert m, d[k]
        k += 1
        start, length = int(m[1]), int(m[2]) if m[2] is not None else 1
        begin = start - 1 if length else start
        out.extend(a[i:begin])
        i = begin
        while k < len(d) and not d[k].startswith("@@"):
            tag, body = d[k][0], d[k][1:]
            k += 1
            if k < len(d) and d[k].startswith("\\ No newline"):
                body = body[:-1]
                k += 1
            if tag in " -":
                assert a[i] == body, (a[i], body)
                i += 1
            if tag in " +":
                out.append(body)
    out.extend(a[i:])
    return "".join(out)
