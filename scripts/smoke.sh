#!/usr/bin/env bash
# `make smoke`: the smoke suites (tests/Dixie.Smoke) against the stack `make run` started.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/components.sh"

project=$ROOT/tests/Dixie.Smoke/Dixie.Smoke.csproj
[[ -f $project ]] || fail "the smoke suites are not built yet (tests/Dixie.Smoke does not exist)"
[[ -f $ENV_FILE ]] || fail "no local stack: run 'make run' first"
port=$(env_value DIXIE_PORT "$ENV_FILE")
service_ready "${port:-3001}" || fail "dixie-bff is not ready on 127.0.0.1:${port:-3001}: run 'make run' first"

DIXIE_SMOKE_BASE_URL="http://127.0.0.1:${port:-3001}" \
DIXIE_ADMIN_KEY="$(env_value DIXIE_ADMIN_KEY "$ENV_FILE")" \
DIXIE_SMOKE_RESTART_CMD="$ROOT/scripts/restart-service.sh $DEV_DIR" \
  exec dotnet test "$project" -c Release --nologo
