"""Per-site profiles (``--group-by FIELD``): a crawl mixes sites, each with its own spinner (or
none), so records that name their site or domain are learned from per site, and each record is
restored with its own site's profile.

* :class:`GroupCounts` counts each document into its group's :class:`textfix.channel.Counts`
  (mergeable, as the one-profile learning is).
* :func:`estimate_groups` estimates a profile for each group with enough text to learn from
  (:func:`textfix.channel.enough_to_learn`); the others' records are judged alone, as a small
  folder's files are.
* A set of profiles is a folder: one profile TSV per group and ``groups.tsv`` naming each file's
  group (JSON-encoded, so any value, and "no such field", round-trips). :func:`save_groups`,
  :func:`load_groups` (loaded once per process and folder version).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .channel import Counts, enough_to_learn, estimate
from .profile import Profile

__all__ = ["GroupCounts", "Groups", "estimate_groups", "save_groups", "load_groups", "INDEX"]

#: The index of a folder of per-group profiles.
INDEX = "groups.tsv"
_HEADER = "# textfix-groups 1\tgroup (JSON)\tprofile file\tdocuments"


@dataclass
class GroupCounts:
    """Counts per group (``None``: records without the field)."""

    by: dict[str | None, Counts] = field(default_factory=dict)

    def add(self, text: str, group: str | None = None) -> GroupCounts:
        c = self.by.get(group)
        if c is None:
            c = self.by[group] = Counts()
        c.add(text)
        return self

    def __add__(self, other: GroupCounts) -> GroupCounts:
        out = GroupCounts(dict(self.by))
        for g, c in other.by.items():
            out.by[g] = out.by[g] + c if g in out.by else c
        return out

    @property
    def docs(self) -> int:
        return sum(c.docs for c in self.by.values())

    @property
    def words(self) -> int:
        return sum(c.words for c in self.by.values())


def estimate_groups(counts: GroupCounts, *, sources: Sequence[str] | None = None,
                    scorer: str = "trigram", all_groups: bool = False) -> dict[str | None, Profile]:
    """A profile per group with enough documents and words (every group with ``all_groups``)."""
    return {g: estimate(c, sources=sources, scorer=scorer) for g, c in counts.by.items()
            if all_groups or enough_to_learn(c.docs, c.words)}


def _file_name(group: str | None) -> str:
    base = "no-group" if group is None else re.sub(r"[^A-Za-z0-9._-]+", "_", group).strip("._")[:60] or "group"
    digest = hashlib.sha1(json.dumps(group).encode("utf-8")).hexdigest()[:8]
    return f"{base}-{digest}.profile.tsv"


def save_groups(profiles: dict[str | None, Profile], folder: str, docs: dict[str | None, int] | None = None) -> None:
    """Write ``profiles`` into ``folder`` (created): a TSV per group and the index."""
    os.makedirs(folder, exist_ok=True)
    rows = [_HEADER]
    for g in sorted(profiles, key=lambda g: (g is None, g or "")):
        name = _file_name(g)
        profiles[g].save(os.path.join(folder, name))
        rows.append(f"{json.dumps(g, ensure_ascii=False)}\t{name}\t{(docs or {}).get(g, '')}")
    tmp = os.path.join(folder, f".{INDEX}.tmp")
    with open(tmp, "w", encoding="utf-8") as fp:
        fp.write("\n".join(rows) + "\n")
    os.replace(tmp, os.path.join(folder, INDEX))


class Groups:
    """Per-group profiles: ``get(group)`` is the group's profile, or None (judged alone)."""

    def __init__(self, profiles: dict[str | None, Profile]) -> None:
        self.profiles = profiles

    def get(self, group: str | None) -> Profile | None:
        return self.profiles.get(group)

    def __len__(self) -> int:
        return len(self.profiles)


_LOADED: dict[tuple, Groups] = {}


def is_groups(path: str) -> bool:
    return os.path.isfile(os.path.join(path, INDEX))


def load_groups(folder: str) -> Groups:
    """The profiles of a folder written by :func:`save_groups` (once per process and version)."""
    from .errors import TableError

    index = os.path.join(folder, INDEX)
    st = os.stat(index)
    key = (os.path.realpath(folder), st.st_mtime_ns, st.st_size)
    hit = _LOADED.get(key)
    if hit is not None:
        return hit
    profiles: dict[str | None, Profile] = {}
    with open(index, encoding="utf-8") as fp:
        for n, line in enumerate(fp, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            try:
                group = json.loads(parts[0])
                name = parts[1]
            except (ValueError, IndexError):
                raise TableError(f"{index}:{n}: expected a JSON group, a tab and a profile file name") from None
            if os.sep in name or name.startswith("."):
                raise TableError(f"{index}:{n}: a profile file name, not a path: {name!r}")
            profiles[group] = Profile.load(os.path.join(folder, name))
    _LOADED.clear()
    hit = _LOADED[key] = Groups(profiles)
    return hit
