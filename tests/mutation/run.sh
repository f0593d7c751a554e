#!/usr/bin/env bash
# Mutation testing of the rule catalogue and the pure domain modules (not part of CI).
#
#   bash tests/mutation/run.sh                 # all mutants ([tool.mutmut] in pyproject.toml)
#   bash tests/mutation/run.sh 'models.warnings.rules.retirement*'   # some of them (mutmut names)
#
# mutmut writes a mutated copy of the sources into mutants/, so this runs in a copy of the tree
# (MUTATION_WORKDIR, default /tmp/bzops-mutation): the working tree stays untouched and other
# test runs are not disturbed. Results are cached there: a second run only retests what changed
# (MUTATION_FRESH=1 starts over). The tests run on SQLite; MUTATION_JOBS sets the parallelism.
# At the end it prints killed/total per module (tests/mutation/summary.py); see README.md there.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${MUTATION_WORKDIR:-/tmp/bzops-mutation}"
JOBS="${MUTATION_JOBS:-$(nproc)}"

if [[ "${MUTATION_FRESH:-0}" == "1" ]]; then
    rm -rf "$WORK"
fi
mkdir -p "$WORK"
rsync -a --delete --exclude /mutants --exclude /.venv --exclude /var --exclude /.git --exclude '*.egg-info' \
    --exclude __pycache__ --exclude .pytest_cache --exclude .mypy_cache --exclude .ruff_cache "$ROOT/" "$WORK/"

cd "$WORK"
export BZOPS_TEST_DATABASE_URL=sqlite PYTHONDONTWRITEBYTECODE=1
started=$(date +%s)
"$ROOT/.venv/bin/mutmut" run --max-children "$JOBS" "$@" || true  # survivors are data, not a failure
echo "duration: $(( $(date +%s) - started )) s with $JOBS jobs"
"$ROOT/.venv/bin/mutmut" results --all true > "$WORK/results.txt"
"$ROOT/.venv/bin/python" "$ROOT/tests/mutation/summary.py" "$WORK/results.txt" "$ROOT/tests/mutation/README.md"
