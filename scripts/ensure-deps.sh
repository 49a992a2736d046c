#!/usr/bin/env bash
# Checks for the programs the local stack and the tests run; installs what is missing with apt when
# run as root, otherwise says exactly what to install. Quiet when everything is present.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

missing=()
pg_bin_dir >/dev/null && [[ -x $(pg_bin_dir)/initdb && -x $(pg_bin_dir)/pg_ctl ]] || missing+=(postgresql)
find_binary redis-server >/dev/null || missing+=(redis-server)
find_binary nats-server >/dev/null || missing+=(nats-server)
command -v curl >/dev/null || missing+=(curl)
# Validates deploy/docker-compose.staging.yml in `make test` without a Docker engine.
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v dotnet >/dev/null || fail "the .NET 10 SDK (dotnet) is not on PATH: install it first (https://dot.net)"

if ((${#missing[@]} > 0)); then
  if ! is_root; then
    say "missing packages: ${missing[*]}" >&2
    say "install them with:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL refuses to run as root: the stack and the tests run it as this system user.
if is_root && ! id -u "$PG_USER" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER" 2>/dev/null \
    || id -u "$PG_USER" >/dev/null 2>&1 \
    || fail "could not create the system user $PG_USER"
fi
