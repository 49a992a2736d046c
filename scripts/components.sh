# shellcheck shell=bash
# Starting each component of the local stack (sourced by stack-up.sh). Each start_* function
# returns at once when the component is already running, and otherwise waits until it answers.

# wait_until <name> <pid> <seconds> <check command...>: polls the check; fails with the log tail
# when the process exits or the time runs out.
wait_until() {
  local name=$1 pid=$2 seconds=$3 deadline; shift 3
  deadline=$((SECONDS + seconds))
  until "$@"; do
    if ! alive "$pid"; then
      say "error: $name exited during startup" >&2
      log_tail "$name" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "error: $name did not answer within ${seconds}s" >&2
      log_tail "$name" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# Probes run in subshells so that a refused connection cannot disturb the calling shell.
redis_answers() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 2 reply <&3 && [[ $reply == +PONG* ]]
) 2>/dev/null

nats_answers() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  IFS= read -r -t 2 greeting <&3 && [[ $greeting == INFO* ]]
) 2>/dev/null

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" 2>/dev/null || true; }
service_ready() { [[ $(http_status "http://127.0.0.1:$1/healthz/ready") == 200 ]]; }
emulator_listening() { grep -q 'finn-emulator listening on' "$LOG_DIR/finn-emulator.log" 2>/dev/null; }

# Keeps the previous run's log as <name>.log.1.
rotate_log() {
  mkdir -p "$LOG_DIR"
  if [[ -f $LOG_DIR/$1.log && ! -L $LOG_DIR/$1.log ]]; then mv -f "$LOG_DIR/$1.log" "$LOG_DIR/$1.log.1"; fi
}

port_free_or_fail() {
  port_in_use "$2" && fail "port $2 (for $1) is taken by another program; stop it or change the port in $ENV_FILE"
  return 0
}

# The PostgreSQL directory. When root, it belongs to the PostgreSQL user, who must be able to
# reach it; a checkout under /root is not reachable, so the data then lives under /var/tmp with a
# symlink in .dev.
pg_home() {
  local home=$DEV_DIR/postgres
  if is_root && [[ ! -L $home ]] && ! runuser -u "$PG_USER" -- test -x "$DEV_DIR"; then
    home=/var/tmp/dixie-dev-postgres-$(printf '%s' "$DEV_DIR" | cksum | cut -d' ' -f1)
    ln -sfn "$home" "$DEV_DIR/postgres"
  fi
  mkdir -p "$home"
  if is_root; then chown "$PG_USER:$PG_USER" "$home"; fi
  chmod 700 "$home"
  (cd "$home" && pwd -P)
}

# The postmaster's pid from its own pid file, when it is running.
postgres_pid() {
  local pid_file=$DEV_DIR/postgres/data/postmaster.pid pid
  [[ -f $pid_file ]] || return 1
  pid=$(head -n 1 "$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && grep -q postgres "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

start_postgres() {
  local port=$1 home bin
  [[ -n $port ]] || return 0
  if postgres_pid >/dev/null; then return 0; fi
  port_free_or_fail PostgreSQL "$port"
  bin=$(pg_bin_dir) || fail "PostgreSQL is not installed (run scripts/ensure-deps.sh)"
  home=$(pg_home)
  [[ -f $home/data/PG_VERSION ]] || init_postgres "$home" "$bin"
  ln -sfn "$home/postgres.log" "$LOG_DIR/postgres.log"
  say "starting PostgreSQL on 127.0.0.1:$port"
  # pg_ctl must run where the PostgreSQL user may read the current directory.
  if ! (cd "$home" && as_pg setsid --wait "$bin/pg_ctl" -D "$home/data" -l "$home/postgres.log" -o "-p $port" -w -t 90 start >/dev/null); then
    log_tail postgres >&2
    fail "PostgreSQL did not start"
  fi
  head -n 1 "$home/data/postmaster.pid" >"$PID_DIR/postgres.pid"
  if ! PGPASSWORD=dixie PGCONNECT_TIMEOUT=5 "$bin/psql" -h 127.0.0.1 -p "$port" -U dixie -d dixie -Atqc 'SELECT 1' >/dev/null; then
    fail "PostgreSQL runs but role/database dixie does not answer; remove $home to initialise it again"
  fi
}

# A new cluster with role and database dixie (password dixie). Set up in single-user mode, before
# the server ever listens, and moved into place only when complete.
init_postgres() {
  local home=$1 bin=$2 staging=$1/data.init
  say "initialising PostgreSQL in $home/data"
  rm -rf "$staging"
  (
    cd "$home" || exit 1
    as_pg "$bin/initdb" -D "$staging" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --no-locale --no-instructions >"$home/initdb.log" 2>&1 \
      || { cat "$home/initdb.log" >&2; fail "initdb failed"; }
    cat >>"$staging/postgresql.conf" <<'EOF'

# dixie local development stack (scripts/components.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
EOF
    printf '%s\n' "CREATE ROLE dixie LOGIN PASSWORD 'dixie';" "CREATE DATABASE dixie OWNER dixie;" \
      | as_pg "$bin/postgres" --single -D "$staging" postgres >"$home/setup.log" 2>&1
    if grep -q -E 'ERROR|FATAL' "$home/setup.log"; then cat "$home/setup.log" >&2; fail "creating role and database dixie failed"; fi
  )
  mv "$staging" "$home/data"
}

start_redis() {
  local port=$1 pid
  [[ -n $port ]] || return 0
  if running_pid redis redis-server >/dev/null; then return 0; fi
  port_free_or_fail Redis "$port"
  say "starting Redis on 127.0.0.1:$port"
  mkdir -p "$DEV_DIR/redis"
  rotate_log redis
  start_detached redis "$(find_binary redis-server)" --port "$port" --bind 127.0.0.1 --dir "$DEV_DIR/redis" \
    --save "" --appendonly no --maxmemory-policy noeviction --daemonize no
  pid=$(<"$PID_DIR/redis.pid")
  wait_until redis "$pid" 30 redis_answers "$port"
}

start_nats() {
  local port=$1 pid
  [[ -n $port ]] || return 0
  if running_pid nats nats-server >/dev/null; then return 0; fi
  port_free_or_fail NATS "$port"
  say "starting NATS (JetStream) on 127.0.0.1:$port"
  mkdir -p "$DEV_DIR/nats"
  rotate_log nats
  start_detached nats "$(find_binary nats-server)" -a 127.0.0.1 -p "$port" -js -sd "$DEV_DIR/nats"
  pid=$(<"$PID_DIR/nats.pid")
  wait_until nats "$pid" 30 nats_answers "$port"
}

start_emulator() {
  local port=$1 pid
  [[ -n $port ]] || return 0
  if running_pid finn-emulator finn-emulator.dll >/dev/null; then return 0; fi
  port_free_or_fail finn-emulator "$port"
  [[ -f $EMULATOR_DLL ]] || fail "$EMULATOR_DLL is missing (make build)"
  say "starting finn-emulator on 127.0.0.1:$port"
  rotate_log finn-emulator
  start_detached finn-emulator dotnet "$EMULATOR_DLL" --port "$port"
  pid=$(<"$PID_DIR/finn-emulator.pid")
  wait_until finn-emulator "$pid" 60 emulator_listening
}

# The service gets exactly the env file: variables it reads that happen to be set in the calling
# shell (PORT wins over DIXIE_PORT, for one) are removed first.
start_service() {
  local port=$1 pid name
  if ! running_pid dixie-bff dixie-bff.dll >/dev/null; then
    port_free_or_fail dixie-bff "$port"
    [[ -f $SERVICE_DLL ]] || fail "$SERVICE_DLL is missing (make build)"
    say "starting dixie-bff on 127.0.0.1:$port"
    rotate_log dixie-bff
    mkdir -p "$PID_DIR"
    (
      cd "$ROOT" || exit 1
      for name in $(compgen -e); do
        case $name in
          DIXIE_* | OTEL_* | FINN_* | DATABASE_* | REDIS_* | NATS_* | PORT | NODE_ENV | LOG_LEVEL | ASPNETCORE_URLS | DOTNET_URLS) unset "$name" ;;
        esac
      done
      load_env_file "$ENV_FILE"
      exec setsid dotnet "$SERVICE_DLL"
    ) >>"$LOG_DIR/dixie-bff.log" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$PID_DIR/dixie-bff.pid"
  fi
  pid=$(<"$PID_DIR/dixie-bff.pid")
  say "waiting for http://127.0.0.1:$port/healthz/ready"
  (wait_until dixie-bff "$pid" 90 service_ready "$port") || {
    stop_pid dixie-bff "$pid" 10
    rm -f "$PID_DIR/dixie-bff.pid"
    exit 1
  }
}
