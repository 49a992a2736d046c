#!/usr/bin/env bash
# `make run`: PostgreSQL, Redis, NATS (JetStream), finn-emulator and dixie-bff on 127.0.0.1, all
# state under .dev/. Idempotent: what already runs is left alone. Options:
#   --no-build   use the binaries already built (make build)
#   --quiet      no summary at the end
# DIXIE_DEV_DIR=<dir> puts the stack elsewhere; DIXIE_STACK_EPHEMERAL=1 picks free random ports on
# its first run (both used by `make test` for a throwaway stack).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/dev-files.sh"
. "$ROOT/scripts/components.sh"

build=1 quiet=0
for arg in "$@"; do
  case $arg in
    --no-build) build=0 ;;
    --quiet) quiet=1 ;;
    *) fail "unknown option $arg (use --no-build, --quiet)" ;;
  esac
done

"$ROOT/scripts/ensure-deps.sh"
mkdir -p "$DEV_DIR" "$LOG_DIR" "$PID_DIR"

if [[ ! -f $ENV_FILE ]]; then
  choose_ports
  write_env_file
fi
seed_allowlist
mkdir -p "$(env_value DIXIE_FLEET_WORK_DIR "$ENV_FILE")"

# The env file is the one place the ports live; a URL that is not 127.0.0.1:<port> names a server
# someone else runs, and the stack does not start one.
PG_PORT=$(local_url_port "$(env_value DATABASE_URL "$ENV_FILE")")
REDIS_PORT=$(local_url_port "$(env_value REDIS_URL "$ENV_FILE")")
NATS_PORT=$(local_url_port "$(env_value NATS_URL "$ENV_FILE")")
FINN_PORT=$(local_url_port "$(env_value FINN_URL "$ENV_FILE")")
SERVICE_PORT=$(env_value DIXIE_PORT "$ENV_FILE")
SERVICE_PORT=${SERVICE_PORT:-3001}
ADMIN_KEY=$(env_value DIXIE_ADMIN_KEY "$ENV_FILE")

all_running() {
  { [[ -z $PG_PORT ]] || postgres_pid >/dev/null; } \
    && { [[ -z $REDIS_PORT ]] || running_pid redis redis-server >/dev/null; } \
    && { [[ -z $NATS_PORT ]] || running_pid nats nats-server >/dev/null; } \
    && { [[ -z $FINN_PORT ]] || running_pid finn-emulator finn-emulator.dll >/dev/null; } \
    && running_pid dixie-bff dixie-bff.dll >/dev/null \
    && service_ready "$SERVICE_PORT"
}

print_summary() {
  local rel_env=${ENV_FILE#"$ROOT"/} rel_logs=${LOG_DIR#"$ROOT"/} finn="not started (FINN_URL is not local)"
  [[ -z $FINN_PORT ]] || finn=http://127.0.0.1:$FINN_PORT
  cat <<EOF

dixie-bff      http://127.0.0.1:$SERVICE_PORT   (health: /api/health, ready: /healthz/ready)
finn-emulator  $finn
PostgreSQL     $(env_value DATABASE_URL "$ENV_FILE")
Redis          $(env_value REDIS_URL "$ENV_FILE")
NATS           $(env_value NATS_URL "$ENV_FILE")
admin key      $ADMIN_KEY
env file       $rel_env      logs: $rel_logs/

next:
  make logs      follow the service log
  make smoke     run the smoke suites against this stack
  make stop      stop everything
  curl -s http://127.0.0.1:$SERVICE_PORT/api/health
EOF
}

if all_running; then
  say "the stack is already running"
  ((quiet)) || print_summary
  exit 0
fi

if ((build)); then
  say "building finn-emulator and dixie-bff (Release)"
  for project in src/Dixie.FinnEmulator/Dixie.FinnEmulator.csproj src/Dixie.Bff/Dixie.Bff.csproj; do
    if ! dotnet build "$ROOT/$project" -c Release --nologo -v q >"$LOG_DIR/build.log" 2>&1; then
      grep -E ': error ' "$LOG_DIR/build.log" | sort -u >&2 || tail -n 30 "$LOG_DIR/build.log" >&2
      fail "the build of $project failed (full output: $LOG_DIR/build.log)"
    fi
  done
fi

start_postgres "$PG_PORT"
start_redis "$REDIS_PORT"
start_nats "$NATS_PORT"
start_emulator "$FINN_PORT"
start_service "$SERVICE_PORT"

say "the stack is up"
((quiet)) || print_summary
