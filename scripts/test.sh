#!/usr/bin/env bash
# Runs every test project against real servers it starts itself (a throwaway PostgreSQL cluster per test
# assembly, an AMQP 1.0 broker for publishing tests), then prints one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

scripts/install-prerequisites.sh || exit 1

results=$(mktemp -d /tmp/ccd-test-results.XXXXXX)
trap 'rm -rf "$results"' EXIT

dotnet build CcdRuntime.slnx -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

status=0
for project in tests/*.Tests; do
  name=$(basename "$project")
  dll="$project/bin/Release/net10.0/$name.dll"
  echo "== $name"
  dotnet "$dll" -result-ctrf "$results/$name.ctrf.json" -noColor 2>&1 | tail -n 80 || status=1
done

# The benchmark's smoke variant (a few seconds per workload), so bench/run cannot rot; counted as one test.
echo "== bench/run --quick"
if bench/run --quick --results "$results/bench" > "$results/bench.log" 2>&1; then
  echo '{"results":{"summary":{"passed":1,"failed":0}}}' > "$results/bench.ctrf.json"
  grep -E '^\| P' "$results/bench/"*.md
else
  tail -n 30 "$results/bench.log"
  echo '{"results":{"summary":{"passed":0,"failed":1}}}' > "$results/bench.ctrf.json"
fi

python3 - "$results" <<'PY'
import json, pathlib, sys
passed = failed = skipped = 0
for f in pathlib.Path(sys.argv[1]).glob("*.ctrf.json"):
    s = json.loads(f.read_text())["results"]["summary"]
    passed += s.get("passed", 0); failed += s.get("failed", 0); skipped += s.get("skipped", 0)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
py=$?
[ $status -ne 0 ] && [ $py -eq 0 ] && exit 1
exit $py
