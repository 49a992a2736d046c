#!/usr/bin/env bash
# Validates the compose files without a Docker engine (spec 12 §2): `docker-compose config -q`
# (Debian's docker-compose package) resolves every variable, profile and merge exactly as
# `docker compose` would. The env_file `.env.staging` is an operator's file, so the check runs on
# a copy of deploy/ where .env.example stands in for it.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v docker-compose >/dev/null || fail "docker-compose is not installed: run scripts/ensure-deps.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/dixie-deploy-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/deploy"
cp "$ROOT"/deploy/*.yml "$ROOT/deploy/tempo.yaml" "$work/deploy/"
cp "$ROOT/.env.example" "$work/deploy/.env.staging"

check() {
  docker-compose "$@" --env-file "$ROOT/.env.example" config -q \
    || fail "docker-compose rejected: $*"
}
check -f "$work/deploy/docker-compose.staging.yml"
check -f "$work/deploy/docker-compose.staging.yml" --profile observability
check -f "$work/deploy/docker-compose.staging.yml" -f "$work/deploy/docker-compose.emulator.yml" --profile observability
say "deploy: compose files valid"
