# Umwelt: `make demo` runs the demo, `make test` runs the whole suite.
# Both install the system packages they need first (Debian, as root).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
SWIFT ?= swift
PREFIX ?= /usr/local
export OPENBLAS_NUM_THREADS := 1

# What building and running need; the suite also needs what its checks drive (TLS
# certificates, systemd-analyze, strace, headless Chromium for the dashboard screenshot).
RUNTIME_PACKAGES := libmosquitto-dev mosquitto mosquitto-clients libopenblas-dev liblapacke-dev libsqlite3-dev python3
TEST_PACKAGES := $(RUNTIME_PACKAGES) openssl systemd strace chromium fonts-dejavu-core
DEBIAN_PACKAGES ?= $(RUNTIME_PACKAGES)

.PHONY: deps test-deps build release demo test lint format install check-unit clean

test-deps:
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(TEST_PACKAGES)"

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "run as root, or install:$$missing" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product umweltd
	$(SWIFT) build -c release --product umwelt

demo: build
	./scripts/demo.sh

test: test-deps
	./scripts/test.sh

lint:
	$(SWIFT) format lint --strict --parallel --recursive Package.swift Sources Tests Benchmarks

format:
	$(SWIFT) format --in-place --parallel --recursive Package.swift Sources Tests Benchmarks

# DESTDIR=/tmp/stage make install stages the files under another root.
install: release
	DESTDIR="$(DESTDIR)" ./Deploy/install.sh "$(PREFIX)"

# The unit, checked offline: verify prints nothing, security exposure <= 2.0; then every
# hardening directive against what umweltd does under strace (scripts/check-hardening.py).
check-unit: build
	./scripts/check-unit.sh
	./scripts/check-hardening.py

clean:
	rm -rf .build
