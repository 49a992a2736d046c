# shellcheck shell=bash disable=SC2034
# Shared by the stack scripts (sourced, not run). Bash only.
#
# Layout of the development directory (DIXIE_DEV_DIR, default <checkout>/.dev):
#   dixie.env  allowlist.json  fleet/  redis/  nats/  postgres/ (data/, postgres.log)
#   logs/<component>.log  pids/<component>.pid

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEV_DIR=${DIXIE_DEV_DIR:-$ROOT/.dev}
ENV_FILE=$DEV_DIR/dixie.env
LOG_DIR=$DEV_DIR/logs
PID_DIR=$DEV_DIR/pids
PG_USER=dixie-pg
SERVICE_DLL=$ROOT/src/Dixie.Bff/bin/Release/net10.0/dixie-bff.dll
EMULATOR_DLL=$ROOT/src/Dixie.FinnEmulator/bin/Release/net10.0/finn-emulator.dll

say() { printf '%s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) == 0 ]]; }

# Debian keeps the server binaries off PATH; the newest installed major version wins.
pg_bin_dir() {
  if [[ -n ${PG_BIN:-} ]]; then printf '%s\n' "$PG_BIN"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $dir ]] && command -v initdb >/dev/null; then dir=$(dirname "$(command -v initdb)"); fi
  [[ -n $dir ]] || return 1
  printf '%s\n' "$dir"
}

# Debian installs nats-server into /usr/sbin, which is not on every user's PATH.
find_binary() {
  command -v "$1" 2>/dev/null && return
  local dir
  for dir in /usr/sbin /usr/local/sbin /usr/local/bin; do
    [[ -x $dir/$1 ]] && { printf '%s\n' "$dir/$1"; return; }
  done
  return 1
}

# Runs a command as the PostgreSQL user when we are root (PostgreSQL refuses to run as root).
as_pg() {
  if is_root; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The preferred port when free, otherwise the next free one above it.
free_port_from() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  printf '%s\n' "$port"
}

# Drawn below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768+ by default): a
# port there can be the local end of someone's outgoing connection, which a connect probe cannot
# see, and the server then fails to bind it.
random_free_port() {
  local port low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 11024)) || low=32768
  while :; do
    port=$((10000 + RANDOM % (low - 10000)))
    port_in_use "$port" || { printf '%s\n' "$port"; return; }
  done
}

# The value of NAME in an env file (text after the first '='), empty when absent.
env_value() {
  local name=$1 file=$2 line
  [[ -f $file ]] || return 0
  line=$(grep -m 1 "^${name}=" "$file" || true)
  printf '%s\n' "${line#*=}"
}

# The port of a URL that points at this machine's loopback (scheme://[user@]127.0.0.1:port...),
# empty for anything else (then the stack does not start that component).
local_url_port() {
  if [[ $1 =~ ^[a-z]+://([^@/]*@)?127\.0\.0\.1:([0-9]+) ]]; then printf '%s\n' "${BASH_REMATCH[2]}"; fi
}

# Exports every NAME=value line of an env file. Not sourced with '.', because values such as the
# agent command contain spaces, quotes and braces. Blank lines and '#' lines are skipped; the value
# is everything after the first '=', trimmed, with one pair of surrounding quotes removed (as
# Compose does).
load_env_file() {
  local line name value
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ $line != *=* ]]; then say "warning: $1: ignoring a line without '='" >&2; continue; fi
    name=${line%%=*}
    name=${name//[[:space:]]/}
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    if [[ ! $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then say "warning: $1: ignoring invalid name '$name'" >&2; continue; fi
    if [[ ${#value} -ge 2 && ( ( $value == \"*\" ) || ( $value == \'*\' ) ) ]]; then value=${value:1:${#value}-2}; fi
    export "$name=$value"
  done < "$1"
}

# pid of a component started by the stack, if that process is still the one we started.
running_pid() {
  local name=$1 marker=$2 pid
  [[ -f $PID_DIR/$name.pid ]] || return 1
  pid=$(<"$PID_DIR/$name.pid")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$marker" || return 1
  printf '%s\n' "$pid"
}

# Starts a command detached from this shell and the make invocation (own session, no terminal),
# appending its output to logs/<name>.log and recording its pid.
start_detached() {
  local name=$1; shift
  mkdir -p "$LOG_DIR" "$PID_DIR"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$PID_DIR/$name.pid"
}

# A process that exited but was not reaped yet (its parent is init, which may take a while) counts
# as gone.
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# Sends SIGTERM, waits up to $3 seconds, then SIGKILL.
stop_pid() {
  local name=$1 pid=$2 grace=${3:-15} waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid" && ((waited < grace * 10)); do sleep 0.1; waited=$((waited + 1)); done
  if alive "$pid"; then
    say "  $name did not stop within ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

log_tail() {
  local file=$LOG_DIR/$1.log
  [[ -e $file ]] || { say "  (no log at $file)"; return; }
  say "---- last lines of $file ----"
  tail -n "${2:-40}" "$file"
  say "----"
}
