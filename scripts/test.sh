#!/usr/bin/env bash
# Runs every test project against real servers it starts itself (a throwaway PostgreSQL cluster per test
# assembly, an AMQP 1.0 broker for publishing tests), then prints one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

scripts/install-prerequisites.sh test || exit 1

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

# The packages a service team uses (Ccd.Runtime, Ccd.Runtime.LocalDatabase, Ccd.Runtime.Testing, the ccd-conformance tool), packed under a
# version of this run, and the sample test project outside the solution that restores them from that folder.
echo "== packages and samples/NoteService.Tests"
version="1.0.0-ci.$(date +%s)"
pack_and_build_sample() {
  local project
  rm -rf artifacts/packages
  for project in src/Ccd.Runtime src/Ccd.Runtime.LocalDatabase src/Ccd.Runtime.Testing src/Ccd.Conformance; do
    dotnet pack "$project" -c Release --no-build -nologo -v q -p:PackageVersion="$version" -o artifacts/packages || return 1
  done
  dotnet build samples/NoteService.Tests -c Release -nologo -v q -clp:ErrorsOnly -p:CcdPackageVersion="$version"
}
if pack_and_build_sample; then
  ls artifacts/packages
  dotnet samples/NoteService.Tests/bin/Release/net10.0/NoteService.Tests.dll -result-ctrf "$results/samples.ctrf.json" -noColor 2>&1 | tail -n 40 || status=1
else
  echo '{"results":{"summary":{"passed":0,"failed":1}}}' > "$results/samples.ctrf.json"
fi

# docs/first-service.md's sample, run as its reader runs it: a plain `dotnet test` in its folder (its global.json
# selects Microsoft Testing Platform), on the packages packed above.
echo "== samples/FirstService"
if [ -n "$(ls artifacts/packages/Ccd.Runtime.Testing.*.nupkg 2>/dev/null)" ] && (cd samples/FirstService && dotnet test -c Release -p:CcdPackageVersion="$version" \
    --report-xunit-ctrf --report-xunit-ctrf-filename first-service.ctrf.json --results-directory "$results" --no-ansi 2>&1 | tail -n 40); then
  :
else
  status=1
  [ -f "$results/first-service.ctrf.json" ] || echo '{"results":{"summary":{"passed":0,"failed":1}}}' > "$results/first-service.ctrf.json"
fi

# The /ccd-persistence process tests, the crash test and the adoption API tests once more behind Debian's PgBouncer
# in transaction mode (the test fixture starts it in front of its cluster, tests/Ccd.Testing/PgBouncer.cs).
echo "== behind PgBouncer (transaction pooling)"
CCD_TEST_PGBOUNCER=1 dotnet tests/Adoption.Service.Tests/bin/Release/net10.0/Adoption.Service.Tests.dll -class "*.ConfiguredCaseTypeProcessTests" \
  -result-ctrf "$results/pgbouncer-adoption.ctrf.json" -noColor 2>&1 | tail -n 40 || status=1
CCD_TEST_PGBOUNCER=1 dotnet tests/Reliability.Tests/bin/Release/net10.0/Reliability.Tests.dll -class "*.CrashTests" -class "Reliability.Tests.AdoptionApi.*" \
  -result-ctrf "$results/pgbouncer-reliability.ctrf.json" -noColor 2>&1 | tail -n 40 || status=1

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
    for t in json.loads(f.read_text())["results"].get("tests", []):
        if t.get("status") == "failed":
            message = (t.get("message") or "").strip().splitlines()
            print(f"FAILED {f.name.removesuffix('.ctrf.json')}: {t.get('name')}" + (f" -- {message[0][:300]}" if message else ""))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
py=$?
[ $status -ne 0 ] && [ $py -eq 0 ] && exit 1
exit $py
