#!/usr/bin/env bash
# The hostile-input tests (tests/fuzz) with many more generated cases than CI runs.
#
#   scripts/fuzz.sh                 # 20,000 examples per cheap property (about an hour)
#   scripts/fuzz.sh 2000            # a quicker pass
#   scripts/fuzz.sh 20000 -k ws     # extra arguments go to pytest
#
# Each cheap property (URL decoding, pages, formulas, CSV, WebSocket messages) runs N examples;
# each costly one (a training, a hyperparameter map, a race) a stated fraction of N, never fewer
# than in CI (see tests/fuzz/__init__.py). Hypothesis keeps failing examples in .hypothesis/ so a
# rerun replays them first. At the end the script prints how many cases each module generated.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-20000}"
[ $# -gt 0 ] && shift
report="$(mktemp)"
trap 'rm -f "$report"' EXIT

echo "== fuzz: DESCENSO_FUZZ_EXAMPLES=$N"
start=$(date +%s)
status=0
DESCENSO_FUZZ_EXAMPLES="$N" DESCENSO_FUZZ_REPORT="$report" \
  .venv/bin/pytest tests/fuzz -q "$@" || status=$?

.venv/bin/python - "$report" "$(( $(date +%s) - start ))" <<'EOF'
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
total = 0
for row in rows:
    n = sum(row["cases"].values())
    total += n
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(row["cases"].items()))
    print(f"  {row['module']:<20} {n:>9,} cases in {row['seconds']:>7.1f} s  ({kinds})")
print(f"== fuzz: {total:,} generated cases in {sys.argv[2]} s")
EOF
exit "$status"
