"""The standard library's own documentation as a sample of clean, non-news English (it ships with
every Python). Used by the tests and by benchmarks/accuracy.py."""
from __future__ import annotations

import importlib
import inspect
import warnings


def stdlib_docs(module_name: str) -> str:
    """A module's docstring and those of its public classes and functions longer than 200
    characters, joined by blank lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated aliases (typing.io) warn when touched
        mod = importlib.import_module(module_name)
        docs = [inspect.getdoc(mod) or ""]
        for name, obj in vars(mod).items():
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj)):
                doc = inspect.getdoc(obj)
                if doc and len(doc) > 200:
                    docs.append(doc)
    return "\n\n".join(d for d in docs if d)
