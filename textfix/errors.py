"""Exceptions textfix raises (kept in a module of their own so ``import textfix`` stays light)."""
from __future__ import annotations

__all__ = ["TableError"]


class TableError(ValueError):
    """A phrase table is malformed; the message names ``file:line``."""
