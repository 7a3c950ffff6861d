"""The embedded English corpus: standard-library docstrings, in a seeded order.

It needs no download: :func:`load_corpus` builds a few hundred KB of English
deterministically from the docstrings of a fixed list of Python standard-library
modules (:data:`CORPUS_MODULES`).

Example:
    >>> len(load_corpus()) > 200_000
    True
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import logging
import unicodedata

import numpy as np

from zoo.text._checks import check_seed

logger = logging.getLogger("zoo.text")

# A fixed list, so that the corpus is the same wherever the same Python runs. GUI and
# platform-specific modules are left out; a module that fails to import is skipped.
CORPUS_MODULES = (
    "abc", "argparse", "ast", "asyncio", "base64", "bisect", "calendar", "collections",
    "configparser", "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal",
    "difflib", "email.message", "enum", "fractions", "ftplib", "functools", "gettext", "glob",
    "gzip", "hashlib", "heapq", "hmac", "html.parser", "http.client", "imaplib", "inspect",
    "io", "ipaddress", "itertools", "json", "logging", "mailbox", "math", "multiprocessing",
    "netrc", "numbers", "operator", "optparse", "os", "pathlib", "pickle", "pkgutil",
    "platform", "poplib", "pprint", "queue", "random", "re", "sched", "secrets", "selectors",
    "shelve", "shlex", "shutil", "smtplib", "socket", "socketserver", "sqlite3", "statistics",
    "string", "struct", "subprocess", "tarfile", "tempfile", "textwrap", "threading", "time",
    "timeit", "tokenize", "traceback", "types", "typing", "unittest", "urllib.parse",
    "urllib.request", "uuid", "warnings", "weakref", "wave", "zipfile", "zoneinfo",
)


def _normalize(text: str) -> str:
    """ASCII letters, digits, punctuation, spaces and newlines only."""
    text = unicodedata.normalize("NFKD", text).replace("\t", "    ").replace("\r", "")
    return "".join(c for c in text if c == "\n" or 32 <= ord(c) < 127)


def _module_docstrings(name: str) -> list[str]:
    """The docstrings of a module, its public classes, their methods and its functions.

    A module written in Python is read from its source file with :mod:`ast`, so the
    text cannot depend on what else the process imported: other libraries patch
    standard-library modules at import time (PyTorch replaces functions of
    :mod:`inspect`, Keras changed docstrings that :func:`inspect.getdoc` inherits).
    A built-in module has no source and is read from its objects.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        logger.debug("corpus: module %s is not importable; skipped", name)
        return []
    if spec.origin and spec.origin.endswith(".py"):
        with open(spec.origin, encoding="utf-8") as source:
            docs = _source_docstrings(ast.parse(source.read()))
    else:
        docs = _object_docstrings(name)
    return [d for d in (_normalize(doc).strip() for doc in docs) if d]


def _source_docstrings(tree: ast.Module) -> list[str]:
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    docs = [ast.get_docstring(tree)]
    for node in sorted((n for n in tree.body if isinstance(n, defs)), key=lambda n: n.name):
        if node.name.startswith("_"):
            continue
        docs.append(ast.get_docstring(node))
        if isinstance(node, ast.ClassDef):
            methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and not n.name.startswith("_")]
            docs.extend(ast.get_docstring(m) for m in sorted(methods, key=lambda n: n.name))
    return [d for d in docs if d]


def _object_docstrings(name: str) -> list[str]:
    try:
        module = importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a module this Python lacks is simply left out
        logger.debug("corpus: module %s is not importable; skipped", name)
        return []
    objects = [module]
    for attr, obj in sorted(vars(module).items()):
        if attr.startswith("_"):
            continue
        if (inspect.isclass(obj) or inspect.isroutine(obj)) and \
                getattr(obj, "__module__", None) == module.__name__:
            objects.append(obj)
            if inspect.isclass(obj):
                objects.extend(member for member_name, member in sorted(vars(obj).items())
                               if not member_name.startswith("_") and inspect.isroutine(member))
    # Each object's own docstring: inherited ones depend on other imports.
    return [inspect.cleandoc(obj.__doc__) for obj in objects
            if isinstance(getattr(obj, "__doc__", None), str)]


def load_corpus(*, modules=CORPUS_MODULES, seed: int = 0) -> str:
    """The embedded English corpus: standard-library docstrings, in a seeded order.

    The docstrings of each module in ``modules`` (the module's, then its public
    classes', methods' and functions', by name) are normalised to printable ASCII,
    de-duplicated, shuffled as whole documents with ``seed`` and joined by blank
    lines. The same Python installation and seed always give the same text (about
    490,000 characters on CPython 3.11), whatever else the process has imported.

    Args:
        modules: Names of the modules to read.
        seed: Seed of the document order.

    Returns:
        The corpus as one string.

    Raises:
        zoo.data.DataUnavailableError: no docstrings were found (Python run with ``-OO``).

    Example:
        >>> len(load_corpus()) > 200_000
        True
    """
    check_seed("load_corpus", seed)
    seen, docs = set(), []
    for name in modules:
        for doc in _module_docstrings(name):
            if doc not in seen:
                seen.add(doc)
                docs.append(doc)
    if not docs:
        from zoo.data.dataset import DataUnavailableError

        raise DataUnavailableError("the 'text' corpus is built from standard-library "
                                   "docstrings, and this Python has none (was it run with -OO?)")
    order = np.random.default_rng(seed).permutation(len(docs))
    return "\n\n".join(docs[i] for i in order) + "\n"


__all__ = ["CORPUS_MODULES", "load_corpus"]
