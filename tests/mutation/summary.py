"""Killed/total per module from ``mutmut results --all true``, with the mutants judged equivalent.

Usage: python tests/mutation/summary.py RESULTS_FILE README

The mutants judged equivalent are the README's list items of the form ``- `name`: reason``. The
score is killed / (total - equivalent); a listed mutant that was killed anyway is reported, so the
list cannot silently go stale. Exits 1 when a rule module scores below 90%.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

KILLED = {"killed", "timeout", "caught by type check"}
TARGET = 0.90


def read_results(path: Path) -> dict[str, str]:
    results = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            results[name] = status
    return results


def read_equivalent(path: Path) -> set[str]:
    found = (re.match(r"- `([^`]+__mutmut_\d+)`", line) for line in path.read_text(encoding="utf-8").splitlines())
    return {m.group(1) for m in found if m}


def module_of(name: str) -> str:
    return name.split(".x", 1)[0] if ".x_" in name or ".xǁ" in name else name.rsplit(".", 1)[0]


def main(results_path: str, equivalent_path: str) -> int:
    results, equivalent = read_results(Path(results_path)), read_equivalent(Path(equivalent_path))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in results.items():
        group = counts[module_of(name)]
        group["total"] += 1
        if status in KILLED:
            group["killed"] += 1
        elif name in equivalent:
            group["equivalent"] += 1
        else:
            group[status] += 1
    failing = 0
    print(f"{'module':42} {'killed':>6} {'total':>6} {'equiv':>6} {'score':>7}  other")
    for module, c in sorted(counts.items()):
        judged = c["total"] - c["equivalent"]
        score = c["killed"] / judged if judged else 1.0
        failing += score < TARGET and module.startswith("models.warnings.rules")
        rest = ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k not in ("total", "killed", "equivalent"))
        print(f"{module:42} {c['killed']:6} {c['total']:6} {c['equivalent']:6} {score:7.1%}  {rest}")
    stale = sorted(n for n in equivalent if results.get(n) in KILLED)
    for name in stale:
        print(f"listed as equivalent but killed (remove from the list): {name}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
