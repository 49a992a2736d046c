# Local development and CI (spec 00 §2). The work is done by the scripts in scripts/.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run stop logs build test smoke bench soak

help:
	@echo "make run     start PostgreSQL, Redis, NATS, finn-emulator and dixie-bff (state in .dev/)"
	@echo "make stop    stop everything 'make run' started"
	@echo "make logs    follow the dixie-bff log"
	@echo "make smoke   run the smoke suites against the running stack"
	@echo "make build   build the solution (Release)"
	@echo "make test    build and run every test suite (what CI runs: .ci/run)"
	@echo "make bench   load scenarios against their baselines on a throwaway stack (spec 13)"
	@echo "make soak    10 minutes of mixed steady load: no unexpected errors, flat memory (F10)"

run:
	@scripts/stack-up.sh

stop:
	@scripts/stack-down.sh

logs:
	@test -e .dev/logs/dixie-bff.log || { echo "no service log yet: run 'make run' first"; exit 1; }
	@tail -n 100 -F .dev/logs/dixie-bff.log

build:
	dotnet build Dixie.slnx -c Release --nologo

test:
	@scripts/test.sh

smoke:
	@scripts/smoke.sh

bench:
	@bench/run.sh

soak:
	@bench/run.sh --soak
