#!/usr/bin/env bash
# Restarts only dixie-bff of a local stack and waits until it is ready. The smoke suites use it
# (DIXIE_SMOKE_RESTART_CMD) to check that state survives a restart. Argument: the stack's
# directory (default .dev).
set -euo pipefail
scripts=$(dirname "${BASH_SOURCE[0]}")
if (($# > 0)); then export DIXIE_DEV_DIR=$1; fi
"$scripts/stack-down.sh" dixie-bff
"$scripts/stack-up.sh" --no-build --quiet
