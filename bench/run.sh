#!/usr/bin/env bash
# `make bench` (spec 13 §1): a throwaway stack tuned for load (warn logging, rate limits at their
# 1 000 000 maximum — still evaluated on every request), then bench/Dixie.Bench runs every scenario
# against its baseline in alternation and prints the table. Exits non-zero when a target is missed.
# Environment: BENCH_ONLY="P1,P4" runs some scenarios; BENCH_DURATION (s, default 10) and
# BENCH_ROUNDS (default 3) size the runs; BENCH_KEEP=1 leaves the stack running afterwards.
# `bench/run.sh --soak` (make soak) runs F10 instead: mixed steady load for BENCH_SOAK_MINUTES (10).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

soak=0
[[ ${1:-} == --soak ]] && soak=1
"$ROOT/scripts/ensure-deps.sh"
if ! command -v wrk >/dev/null; then
  is_root || fail "wrk is not installed: sudo apt-get install -y wrk"
  say "installing wrk (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
fi
say "building (Release)"
dotnet build "$ROOT/Dixie.slnx" -c Release --nologo -v q -clp:NoSummary >/dev/null || fail "the build failed (run make build)"

stack_dir=$(mktemp -d "${TMPDIR:-/tmp}/dixie-bench-XXXXXX")
chmod 755 "$stack_dir" # the PostgreSQL user must reach its data directory inside
export DIXIE_DEV_DIR=$stack_dir DIXIE_STACK_EPHEMERAL=1
cleanup() {
  if [[ ${BENCH_KEEP:-} == 1 ]]; then
    say "the bench stack keeps running in $stack_dir (DIXIE_DEV_DIR=$stack_dir make stop)"
  else
    "$ROOT/scripts/stack-down.sh" >/dev/null 2>&1 || true
    rm -rf "$stack_dir"
  fi
}
trap cleanup EXIT

# The env file the stack would write, tuned for load. 127.0.0.1 is a trusted proxy so the sign-in
# scenario can spread nonce requests over forwarded addresses (the per-IP nonce cap is 20).
(
  DEV_DIR=$stack_dir ENV_FILE=$stack_dir/dixie.env
  . "$ROOT/scripts/dev-files.sh"
  choose_ports
  write_env_file >/dev/null
)
env_file=$stack_dir/dixie.env
sed -i -e 's/^LOG_LEVEL=.*/LOG_LEVEL=warn/' -e 's/^DIXIE_RATE_LIMIT_RPM=.*/DIXIE_RATE_LIMIT_RPM=1000000/' \
  -e 's/^DIXIE_REPUTATION_QUERY_RPM=.*/DIXIE_REPUTATION_QUERY_RPM=1000000/' \
  -e 's/^DIXIE_TRUSTED_PROXIES=.*/DIXIE_TRUSTED_PROXIES=127.0.0.1/' "$env_file"
"$ROOT/scripts/stack-up.sh" --no-build --quiet >/dev/null
port=$(env_value DIXIE_PORT "$env_file")

# M2: a restart against the now-migrated database, timed from launch to /healthz/ready.
"$ROOT/scripts/stack-down.sh" dixie-bff >/dev/null
started=$(date +%s%N)
"$ROOT/scripts/stack-up.sh" --no-build --quiet >/dev/null &
until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz/ready" 2>/dev/null) == 200 ]]; do sleep 0.02; done
ready=$(date +%s%N)
wait

if ((soak)); then export BENCH_SOAK_MINUTES=${BENCH_SOAK_MINUTES:-10}; fi
BENCH_BASE_URL=http://127.0.0.1:$port \
BENCH_EMULATOR_URL=$(env_value FINN_URL "$env_file") \
BENCH_ADMIN_KEY=$(env_value DIXIE_ADMIN_KEY "$env_file") \
BENCH_DATABASE_URL=$(env_value DATABASE_URL "$env_file") \
BENCH_SERVICE_PID=$(<"$stack_dir/pids/dixie-bff.pid") \
BENCH_START_MS=$(((ready - started) / 1000000)) \
BENCH_WRK_DIR=$ROOT/bench/wrk \
BENCH_WORK_DIR=$stack_dir/bench \
BENCH_RESULTS=$ROOT/bench/results/latest.json \
  dotnet "$ROOT/bench/Dixie.Bench/bin/Release/net10.0/dixie-bench.dll"
