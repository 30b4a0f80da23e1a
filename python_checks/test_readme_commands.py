"""Every command README.md shows works as typed after `make run`.

Which text is a command: each line of a ```bash block (its trailing `#`
comment removed, comment-only lines skipped) and each inline code span that
starts with `.venv/bin/`, `DBT_PROFILES_DIR=`, `make ` or `python ` and has
more than that. Each command runs once, in the order it first appears. A
command followed by "(long-running)" (right after its inline span, or in
the comment of its bash line) at least once is left out.

How: a fresh clone of this checkout (its commits plus the working tree's
changes) in a temporary folder, `.venv` a symlink to this checkout's, and an
environment without the SV_*/DBT_* variables of `make test` and without the
virtualenv on PATH, as a newcomer's shell. `make run PRESET=small
LANDED_THROUGH=2026-09-05` runs once, first, for every README command that
starts with `make run` (the small dataset less its last landing day, so that
`make daily` has a day to land); the other commands then run in README
order, `make clean` last, each in bash from the clone's root, and must exit
0. Nothing they write may show in `git status` (it could be committed by
accident).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

README = REPO / "README.md"
COMMAND_PREFIXES = (".venv/bin/", "DBT_PROFILES_DIR=", "make ", "python ")
LONG_RUNNING = "(long-running)"
SETUP = "make run PRESET=small LANDED_THROUGH=2026-09-05"
LAST = ("make clean",)
COMMAND_TIMEOUT_SECONDS = 900

FENCED_BLOCK = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def readme_commands(markdown: str) -> list[tuple[str, bool]]:
    """(command, is_long_running) in the order of their first appearance."""
    found: list[tuple[int, str, bool]] = []
    for block in FENCED_BLOCK.finditer(markdown):
        if block.group(1) != "bash":
            continue
        for offset, line in enumerate(block.group(2).splitlines()):
            command, _, comment = line.partition(" #")
            command = command.strip()
            if command and not command.startswith("#"):
                found.append((block.start(2) + offset, command, LONG_RUNNING in comment))
    prose = FENCED_BLOCK.sub(lambda m: " " * len(m.group(0)), markdown)  # keeps the offsets
    for span in INLINE_SPAN.finditer(prose):
        command = span.group(1).strip()
        if any(command.startswith(prefix) and len(command) > len(prefix) for prefix in COMMAND_PREFIXES):
            after = prose[span.end():span.end() + 40].lstrip()
            found.append((span.start(), command, after.startswith(LONG_RUNNING[:-1])))
    long_running = {command for _, command, marked in found if marked}
    ordered = dict.fromkeys(command for _, command, _ in sorted(found))
    return [(command, command in long_running) for command in ordered]


def test_the_rule_finds_bash_lines_and_command_spans_and_skips_the_marked_ones():
    markdown = (
        "Run `make run` first, then `DBT_PROFILES_DIR=. .venv/bin/dbt build`. A variable: `SV_RAW_PATH`,\n"
        "not commands: `dbt build`, `python_checks/`, `.venv/bin/`; `make bench` (long-running; minutes).\n"
        "```bash\nmake daily   # lands a day\n            # a comment line\nmake test    # (long-running) all\n```\n"
        "```text\nmake nothing\n```\n`.venv/bin/python -c \"print(1)\"`, `make test` and `make run` again.\n"
    )
    assert readme_commands(markdown) == [
        ("make run", False), ("DBT_PROFILES_DIR=. .venv/bin/dbt build", False), ("make bench", True),
        ("make daily", False), ("make test", True), ('.venv/bin/python -c "print(1)"', False),
    ]


def test_the_readme_shows_the_commands_a_newcomer_needs():
    commands = [command for command, _ in readme_commands(README.read_text(encoding="utf-8"))]
    for expected in ["make run", "make daily", "DBT_PROFILES_DIR=. .venv/bin/dbt build", ".venv/bin/mf validate-configs"]:
        assert expected in commands, (expected, commands)


def clone_with_working_tree(dest: Path) -> None:
    """git clone of REPO plus its uncommitted changes and untracked (not ignored) files."""
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(dest)], check=True, capture_output=True, text=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--modified", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True, text=True).stdout
    for name in filter(None, listed.split("\0")):
        source, target = REPO / name, dest / name
        if source.is_file() and not source.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif not source.exists() and target.exists():
            target.unlink()
    # make would reinstall the shared virtualenv if the clone's requirements
    # looked newer than its stamp: give them this checkout's times
    for name in ["requirements.txt", "requirements-spark.txt"]:
        stat = (REPO / name).stat()
        os.utime(dest / name, (stat.st_atime, stat.st_mtime))
    (dest / ".venv").symlink_to((REPO / ".venv").resolve(), target_is_directory=True)


def newcomer_env() -> dict[str, str]:
    """This environment without the project's settings, make's recursion
    variables and the virtualenv on PATH."""
    venv_bins = {str((REPO / ".venv" / "bin").resolve()), str(Path(sys.prefix) / "bin")}
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SV_", "DBT_", "SIM_", "MAKE", "PYTEST_"))
           and name not in ("MFLAGS", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and str(Path(p).resolve()) not in venv_bins)
    return env


def run_command(command: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=COMMAND_TIMEOUT_SECONDS)
    return result, time.monotonic() - start


def git_status(clone: Path) -> set[str]:
    """What `git add -A` would pick up, one entry per file."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone,
                            check=True, capture_output=True, text=True).stdout
    return set(status.splitlines())


def test_every_readme_command_works_as_typed_after_make_run(tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the README commands run in a clone")
    clone = tmp_path / "clone"
    clone_with_working_tree(clone)
    uncommitted = git_status(clone)  # this checkout's own changes
    env = newcomer_env()
    stale = subprocess.run(["make", "-q", ".venv/.installed"], cwd=clone, env=env, capture_output=True)
    assert stale.returncode == 0, f"the shared .venv is not installed or out of date: run `make install` in {REPO}"

    commands = [command for command, long_running in readme_commands(README.read_text(encoding="utf-8"))
                if not long_running and not command.startswith("make run")]
    commands = [SETUP] + [c for c in commands if not c.startswith(LAST)] + [c for c in commands if c.startswith(LAST)]
    for command in commands:
        result, seconds = run_command(command, clone, env)
        print(f"{seconds:6.1f} s  {command}", flush=True)  # pytest -s shows what each took
        assert result.returncode == 0, (
            f"README command failed (exit {result.returncode}) in {clone}: {command}\n"
            f"--- stdout (end)\n{result.stdout[-3000:]}\n--- stderr (end)\n{result.stderr[-3000:]}")
        assert git_status(clone) - uncommitted == set(), f"{command} left files git would commit"
