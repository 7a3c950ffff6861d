"""Every code block of README.md and docs/*.md runs as written, in order.

Each document runs in a fresh interpreter in a scratch directory with
``ZOO_QUICK=1`` (at most 2 epochs and 2 trials per job; see ``tests/_markdown.py``
for how blocks are marked slow or skipped). The fast test runs a document's blocks
but the slow ones; the slow test runs all of them, in order, as a reader would.
"""

import re

import pytest

from tests._markdown import ROOT, Block, code_blocks, run_blocks

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: The lines that betray a command or a program in a block without a language.
_LOOKS_LIKE_CODE = re.compile(r"^(\$ )?(zoo (list|train|compare|generate|sample|tune|-)|"
                              r"python3? |import \w|from [\w.]+ import|make \w|>>> )")

TENSORFLOW_ONLY = pytest.mark.tensorflow_only(
    reason="the documents' commands and figures are written for the default backend")


def _runnable(doc, *, slow: bool) -> list[Block]:
    return [b for b in code_blocks(doc) if b.language and b.mark != "skip"
            and (slow or b.mark != "slow")]


def _names(docs):
    return [str(d.relative_to(ROOT)) for d in docs]


def _check(proc, blocks):
    ran = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("DOCS-DONE")]
    failed = [line for line in proc.stdout.splitlines() if line.startswith("DOCS-FAIL")]
    assert proc.returncode == 0 and not failed, (
        f"{failed[0] if failed else 'the runner failed'}\n{proc.stdout[-6000:]}\n"
        f"{proc.stderr[-4000:]}")
    assert ran == [b.where for b in blocks]  # every block, in order


FAST_DOCS = [d for d in DOCS if _runnable(d, slow=False)]
ALL_DOCS = [d for d in DOCS if _runnable(d, slow=True)]


@TENSORFLOW_ONLY
@pytest.mark.parametrize("doc", FAST_DOCS, ids=_names(FAST_DOCS))
def test_the_docs_code_blocks_run_as_written(doc, tmp_path):
    blocks = _runnable(doc, slow=False)
    _check(run_blocks(blocks, tmp_path), blocks)


@TENSORFLOW_ONLY
@pytest.mark.slow
@pytest.mark.parametrize("doc", ALL_DOCS, ids=_names(ALL_DOCS))
def test_the_docs_code_blocks_run_as_written_slow_ones_included(doc, tmp_path):
    blocks = _runnable(doc, slow=True)
    _check(run_blocks(blocks, tmp_path), blocks)


def test_the_readme_and_the_guides_have_code_to_run():
    assert _runnable(ROOT / "README.md", slow=False)
    assert {d.name for d in ALL_DOCS} >= {"README.md", "tuning.md", "sequences.md"}


@pytest.mark.parametrize("doc", DOCS, ids=_names(DOCS))
def test_every_code_block_says_its_language_and_every_skip_its_reason(doc):
    for block in code_blocks(doc):
        if not block.language:
            first = [line.strip() for line in block.code.splitlines() if line.strip()]
            assert not any(_LOOKS_LIKE_CODE.match(line) for line in first), (
                f"{block.where}: a block of code without a language (```bash or ```python) "
                "would not be run by the docs test")
        if block.mark == "skip":
            assert block.reason, block.where
    skipped = [b for b in code_blocks(doc) if b.mark == "skip"]
    assert len(skipped) <= 2, [b.where for b in skipped]  # skipping is the exception


def test_the_runner_shares_python_state_runs_shell_blocks_and_stops_at_the_first_failure(
        tmp_path):
    doc = tmp_path / "guide.md"
    doc.write_text("\n".join([
        "# A guide", "", "```python", "import os", "x = 41", "```", "",
        "```bash", "echo written > note.txt", "zoo --version", "```", "",
        "<!-- docs-test: slow -->", "```python", "x += 1", "```", "",
        "<!-- docs-test: skip: needs another machine -->", "```bash", "exit 3", "```", "",
        "```", "plain text, not run", "```", "",
        "```python", "assert x == 42, x", "assert open('note.txt').read() == 'written\\n'",
        "assert os.environ['ZOO_QUICK'] == '1'", "```", "",
        "```python", "raise SystemExit('broken on purpose')", "```", "",
        "```python", "print('never reached')", "```", ""]))
    blocks = code_blocks(doc, root=tmp_path)
    assert [(b.line, b.language, b.mark) for b in blocks] == [
        (3, "python", ""), (8, "shell", ""), (14, "python", "slow"), (19, "shell", "skip"),
        (23, "", ""), (27, "python", ""), (33, "python", ""), (37, "python", "")]
    assert blocks[3].reason == "needs another machine"
    runnable = [b for b in blocks if b.language and b.mark != "skip"]
    proc = run_blocks(runnable, tmp_path / "scratch")
    assert proc.returncode == 1
    done = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("DOCS-DONE")]
    assert done == [f"{blocks[i].where}" for i in (0, 1, 2, 5)]
    assert f"DOCS-FAIL {blocks[6].where}" in proc.stdout and "broken on purpose" in proc.stdout
    assert "never reached" not in proc.stdout
    assert "zoo 0." in proc.stdout  # the `zoo` command is on PATH


@TENSORFLOW_ONLY
def test_a_broken_readme_snippet_fails_the_docs_test(tmp_path):
    """Break one Python and one shell block of the real README: each run fails there."""
    readme = tmp_path / "README.md"
    text = (ROOT / "README.md").read_text()
    python_block = next(b for b in _runnable(ROOT / "README.md", slow=False)
                        if b.language == "python")
    shell_block = next(b for b in _runnable(ROOT / "README.md", slow=True)
                       if b.language == "shell" and "zoo list" in b.code)
    broken = text.replace(python_block.code, python_block.code.replace("zoo.", "zoo.nope_", 1))
    broken = broken.replace(shell_block.code, shell_block.code.replace("zoo list", "zoo lisst"))
    assert broken != text
    readme.write_text(broken)
    blocks = {b.line: b for b in code_blocks(readme, root=tmp_path)}
    for original, marker in ((python_block, "AttributeError"), (shell_block, "lisst")):
        block = blocks[original.line]
        proc = run_blocks([block], tmp_path / f"scratch_{original.line}")
        assert proc.returncode == 1
        assert f"DOCS-FAIL README.md:{original.line}" in proc.stdout
        assert marker in proc.stdout
        with pytest.raises(AssertionError, match=f"DOCS-FAIL README.md:{original.line}"):
            _check(proc, [block])
