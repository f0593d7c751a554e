"""Every command line that deploy/ files start, run the way they run it: the installed console
script in a subprocess, with the same subcommand and options (plus --help, so nothing starts)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SCRIPT = Path(sys.executable).parent / "bzops"


def command_lines() -> list[list[str]]:
    """The argument lists after ``bzops`` in systemd units, the Procfile and the compose file."""
    found = []
    for path in sorted(DEPLOY.iterdir()):
        text = path.read_text(encoding="utf-8")
        found += [shlex.split(m) for m in re.findall(r"(?:ExecStart=\S*|^\w+: )bzops ([^\n]+)", text, re.M)]
        found += [[a.strip(' "') for a in m.split(",")] for m in re.findall(r'\["bzops", ([^\]]+)\]', text)]
    return [[arg.replace("%i", "8081").replace("${PORT:-8080}", "8080") for arg in args] for args in found]


def test_deploy_files_start_something():
    subcommands = {args[0] for args in command_lines()}
    assert {"web", "worker", "migrate"} <= subcommands


@pytest.mark.parametrize("args", command_lines(), ids=" ".join)
def test_each_deploy_command_line_is_accepted(args):
    done = subprocess.run([str(SCRIPT), *args, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and f"bzops {args[0]}" in done.stdout
