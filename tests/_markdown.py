"""Run the code blocks of a Markdown file as written, in order: the docs test's engine.

:func:`code_blocks` reads the fenced blocks of a file. Python blocks (```python)
and shell blocks (```bash, ```sh, ```shell, ```console) are code; a block without a
language is text (an error message, a directory tree). An HTML comment on the line
before a fence, invisible on a rendered page, says how the test treats the block:

* ``<!-- docs-test: slow -->``: run only in the slow set (``pytest -m slow``);
* ``<!-- docs-test: skip REASON -->``: never run (a command that needs other
  machines or runs the whole test suite); the reason is required.

:func:`run_blocks` runs blocks in a fresh interpreter (``python -m tests._markdown
SPEC``) in a scratch directory, with ``ZOO_QUICK=1`` (every zoo job trains at most
2 epochs, a search at most 2 trials: ``zoo._quick``), Matplotlib's Agg backend and
``zoo`` on ``PATH``: the Python blocks of a file share one namespace, as in a
session that types them one after the other; shell blocks run in ``bash -e`` in the
same directory, so files one block writes are there for the next. It stops at the
first failing block and says which one (file and line).

Why not a maintained runner: ``pytest-markdown-docs`` (0.9.2 on PyPI, checked) and
``mktestdocs`` run Python blocks inside the pytest process (the blocks register
models, set environment variables and write files that would leak into the other
tests) and neither runs shell blocks, half of the blocks here; ``phmdoctest``
generates tests from Python blocks only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"python": "python", "py": "python", "bash": "shell", "sh": "shell",
             "shell": "shell", "console": "shell"}
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_DIRECTIVE = re.compile(r"<!--\s*docs-test:\s*(?P<what>slow|skip)\b(?P<reason>[^>]*?)\s*-->")


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its language and text, how the test runs it."""

    path: str
    line: int  # of the opening fence, 1-based
    language: str  # "python", "shell" or "" (text)
    code: str
    mark: str = ""  # "", "slow" or "skip"
    reason: str = ""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def code_blocks(path, *, root=ROOT) -> list[Block]:
    """Every fenced block of the Markdown file ``path``, in order.

    Raises:
        ValueError: an unclosed fence, or a ``skip`` directive without a reason.
    """
    path = Path(path)
    name = str(path.relative_to(root)) if path.is_absolute() and root in path.parents \
        else str(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        start, body = i, []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][len(match["indent"]):])
            i += 1
        if i == len(lines):
            raise ValueError(f"{name}:{start + 1}: code fence never closed")
        i += 1
        mark = reason = ""
        before = lines[start - 1] if start else ""
        directive = _DIRECTIVE.search(before)
        if directive:
            mark, reason = directive["what"], directive["reason"].strip(" :-")
            if mark == "skip" and not reason:
                raise ValueError(f"{name}:{start}: `docs-test: skip` needs a reason")
        language = LANGUAGES.get(info.split()[0].lower(), "") if info else ""
        blocks.append(Block(name, start + 1, language, "\n".join(body) + "\n", mark, reason))
    return blocks


def environment(scratch) -> dict:
    """The environment the blocks run in: quick jobs, no display, ``zoo`` on ``PATH``."""
    bin_dir = Path(scratch) / ".bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    shim = bin_dir / "zoo"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m zoo.cli "$@"\n')
    shim.chmod(0o755)
    env = dict(os.environ)
    env.update(ZOO_QUICK="1", MPLBACKEND="Agg",
               PATH=f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
                    f"{env.get('PATH', '')}",
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p))
    return env


def run_blocks(blocks, scratch, *, timeout: float = 3000) -> subprocess.CompletedProcess:
    """Run ``blocks`` in order in a fresh interpreter in ``scratch``; see the module doc.

    Returns:
        The finished process: exit code 0 when every block ran, else 1; its stdout
        names each block as it starts (``DOCS-BLOCK path:line``) and, on a failure,
        ``DOCS-FAIL path:line`` with the traceback or the command's output.
    """
    scratch = Path(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    spec = scratch / ".docs_blocks.json"
    spec.write_text(json.dumps([asdict(b) for b in blocks]))
    return subprocess.run([sys.executable, "-m", "tests._markdown", str(spec)], cwd=scratch,
                          env=environment(scratch), capture_output=True, text=True,
                          timeout=timeout)


def _main(spec_path) -> int:
    """Inside the fresh interpreter: run the blocks of ``spec_path`` in order."""
    blocks = [Block(**b) for b in json.loads(Path(spec_path).read_text())]
    namespace = {"__name__": "__main__"}
    for block in blocks:
        print(f"DOCS-BLOCK {block.where} ({block.language})", flush=True)
        start = time.perf_counter()
        if block.language == "python":
            try:
                exec(compile(block.code, block.where, "exec"), namespace)  # noqa: S102
            except BaseException:  # noqa: BLE001 - report which block, then stop
                print(f"DOCS-FAIL {block.where}\n{traceback.format_exc()}", flush=True)
                return 1
        else:
            proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block.code],
                                  capture_output=True, text=True)
            sys.stdout.write(proc.stdout)
            sys.stderr.write(proc.stderr)
            if proc.returncode:
                print(f"DOCS-FAIL {block.where}: exit status {proc.returncode}\n"
                      f"{proc.stderr[-3000:]}", flush=True)
                return 1
        print(f"DOCS-DONE {block.where} {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1]))
