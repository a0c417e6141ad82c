#!/usr/bin/env bash
# Runs every test of Crosstalk on a fresh machine: installs and starts what the tests need
# (a PostgreSQL server on loopback, Debian's Chromium for the browser tests), builds, tests,
# and fails if any test failed or was skipped.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ -x scripts/postgres.sh ]; then
  eval "$(scripts/postgres.sh start)"
fi
if [ -x scripts/chromium.sh ]; then
  eval "$(scripts/chromium.sh ensure)"
fi

dotnet build Crosstalk.slnx -c Release -nologo -clp:ErrorsOnly

log=$(mktemp)
status=0
# One test project at a time: each one's own tests run in parallel, and several projects at once on a 2-core machine
# (process tests, silos, PostgreSQL and Chromium together) starved one another into timeouts.
for project in tests/*.Tests/*.Tests.csproj; do
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee -a "$log" || status=$?
done

passed=0 failed=0 skipped=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+),[[:space:]]*Passed:[[:space:]]*([0-9]+),[[:space:]]*Skipped:[[:space:]]*([0-9]+).*/\1 \2 \3/p' "$log")
rm -f "$log"

echo
if [ "$skipped" -gt 0 ]; then
  echo "A skipped test is a failing test here: $skipped skipped." >&2
  status=1
fi
if [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  status=1
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
echo "$passed passed, $((failed + skipped)) failed"
exit "$status"
