#!/usr/bin/env bash
# `make test`: installs missing servers, builds Release, validates the compose files without a
# Docker engine (scripts/validate-deploy.sh), runs every test project (their tests start
# PostgreSQL, Redis and NATS themselves on ephemeral ports), then, once tests/Dixie.Smoke exists,
# the smoke suites against a throwaway stack on ephemeral ports. Exits non-zero on any failure.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/components.sh"

"$ROOT/scripts/ensure-deps.sh"
say "building the solution (Release)"
dotnet build "$ROOT/Dixie.slnx" -c Release --nologo -v q -clp:NoSummary || fail "the build failed"

say "validating the deployment files"
"$ROOT/scripts/validate-deploy.sh" || fail "the compose files are invalid"

results_dir=$ROOT/.test
mkdir -p "$results_dir"
summary=() failed=0

# run_tests <project> [VAR=value...]: one dotnet test run, its result line kept for the summary.
run_tests() {
  local project=$1 name log status=0; shift
  name=$(basename "$project" .csproj)
  log=$results_dir/$name.log
  say "== $name"
  env "$@" dotnet test "$project" -c Release --no-build --nologo \
    --blame-hang-timeout 15m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?
  local line
  line=$(grep -E '^(Passed|Failed)!' "$log" | tail -n 1 || true)
  summary+=("$(printf '%-22s %s' "$name" "${line:-no result (exit code $status)}")")
  ((status == 0)) || failed=1
}

for project in "$ROOT"/tests/*/*.csproj; do
  [[ $(basename "$project") == Dixie.Smoke.csproj ]] && continue
  run_tests "$project"
done

smoke=$ROOT/tests/Dixie.Smoke/Dixie.Smoke.csproj
if [[ -f $smoke ]]; then
  stack_dir=$(mktemp -d "${TMPDIR:-/tmp}/dixie-stack-XXXXXX")
  chmod 755 "$stack_dir"  # the PostgreSQL user must reach its data directory inside
  trap 'DIXIE_DEV_DIR=$stack_dir "$ROOT/scripts/stack-down.sh" >/dev/null 2>&1 || true; rm -rf "$stack_dir"' EXIT
  say "== starting a throwaway stack for the smoke suites in $stack_dir"
  if DIXIE_DEV_DIR=$stack_dir DIXIE_STACK_EPHEMERAL=1 "$ROOT/scripts/stack-up.sh" --no-build --quiet; then
    run_tests "$smoke" \
      DIXIE_SMOKE_BASE_URL="http://127.0.0.1:$(env_value DIXIE_PORT "$stack_dir/dixie.env")" \
      DIXIE_ADMIN_KEY="$(env_value DIXIE_ADMIN_KEY "$stack_dir/dixie.env")" \
      DIXIE_SMOKE_RESTART_CMD="$ROOT/scripts/restart-service.sh $stack_dir"
  else
    summary+=("$(printf '%-22s %s' Dixie.Smoke "not run: the stack did not start (logs in $stack_dir/logs)")")
    failed=1
  fi
fi

say ""
say "== summary"
printf '%s\n' "${summary[@]}"
if ((failed)); then
  say "make test: FAILED (logs in ${results_dir#"$ROOT"/}/)"
  exit 1
fi
say "make test: passed"
