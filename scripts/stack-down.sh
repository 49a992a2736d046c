#!/usr/bin/env bash
# `make stop`: stops what `make run` started (by pid files), the service first. Idempotent.
# With component names (dixie-bff, finn-emulator, nats, redis, postgres) it stops only those.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/components.sh"

stop_component() {
  local name=$1 marker=$2 pid
  if pid=$(running_pid "$name" "$marker"); then
    say "stopping $name (pid $pid)"
    stop_pid "$name" "$pid" 15
  else
    say "$name is not running"
  fi
  rm -f "$PID_DIR/$name.pid"
}

stop_postgres() {
  local pid bin home
  if pid=$(postgres_pid); then
    say "stopping PostgreSQL (pid $pid)"
    bin=$(pg_bin_dir)
    # The real path: .dev/postgres may be a symlink into a place the PostgreSQL user can reach.
    home=$(cd "$DEV_DIR/postgres" && pwd -P)
    # Fast shutdown: open sessions are ended, nothing is lost.
    (cd "$home" && as_pg "$bin/pg_ctl" -D "$home/data" -m fast -w -t 60 stop >/dev/null) \
      || stop_pid postgres "$pid" 30
  else
    say "PostgreSQL is not running"
  fi
  rm -f "$PID_DIR/postgres.pid"
}

components=("$@")
((${#components[@]} > 0)) || components=(dixie-bff finn-emulator nats redis postgres)
for component in "${components[@]}"; do
  case $component in
    dixie-bff) stop_component dixie-bff dixie-bff.dll ;;
    finn-emulator) stop_component finn-emulator finn-emulator.dll ;;
    nats) stop_component nats nats-server ;;
    redis) stop_component redis redis-server ;;
    postgres) stop_postgres ;;
    *) fail "unknown component $component" ;;
  esac
done
