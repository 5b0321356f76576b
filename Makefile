# CertGate: `make demo` and `make test` work on a fresh machine with only the Swift toolchain;
# each first installs the Debian packages that are missing.

SWIFT ?= swift
APT_PACKAGES := libcurl4-openssl-dev libsqlite3-dev libssl-dev zlib1g-dev libmicrohttpd-dev libzip-dev libxml2-dev libxlsxwriter-dev libpq-dev pkg-config sqlite3
# The browser tests' headless Chromium and its WebDriver, and the PostgreSQL server the store's
# tests start: installed by `make test` only.
TEST_PACKAGES := chromium chromium-driver postgresql
DB ?= ./certgate.db
# The test targets whose suites use a database: run on SQLite, then on PostgreSQL.
DATABASE_SUITES := StoreTests|GatewayTests|EndToEndTests|ConsoleTests
# axe-core for the browser tests' accessibility checks, as PyPI's axe-selenium-python ships it.
AXE := .build/axe/axe.min.js
AXE_WHEEL := axe-selenium-python==2.1.6

.PHONY: all deps build demo serve test bench fuzz format clean

all: build

## deps: install the system libraries CertGate links against (quiet when present)
deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "Swift is not on PATH (expected e.g. /opt/swift/usr/bin)"; exit 1; }

## build: a debug build of everything
build: deps
	$(SWIFT) build

## demo: load the bundled sample roster into ./certgate.db and show what was loaded
demo: build
	$(SWIFT) run --skip-build certgate --db $(DB) demo

## serve: the staff web console on the demo database (run make demo first for its sign-ins)
serve: build
	$(SWIFT) run --skip-build certgate --db $(DB) serve

## test: the whole test suite (real loopback HTTP, real SQLite files and PostgreSQL, the real binary)
test: deps $(AXE)
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(TEST_PACKAGES)"
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@echo "== the suites that use a database, again on PostgreSQL (a throwaway server the tests start)"
	CERTGATE_TEST_ENGINE=postgresql $(SWIFT) test --skip-build --filter '$(DATABASE_SUITES)'

$(AXE):
	@command -v python3 >/dev/null || $(MAKE) --no-print-directory deps APT_PACKAGES="python3 python3-pip"
	@mkdir -p .build/axe
	python3 -m pip download --quiet --disable-pip-version-check --no-deps --dest .build/axe "$(AXE_WHEEL)"
	python3 -c "import glob, zipfile; w = zipfile.ZipFile(glob.glob('.build/axe/axe_selenium_python-*.whl')[0]); \
		open('$(AXE)', 'wb').write(w.read('axe_selenium_python/node_modules/axe-core/axe.min.js'))"

## bench: release-build benchmarks: matcher, CSV reader, roster import, HTTP client, the end-to-end 1,000,000-row import and 1,000-page pull, on SQLite and on a throwaway PostgreSQL
bench: deps
	@$(MAKE) --no-print-directory deps APT_PACKAGES="postgresql"
	$(SWIFT) build -c release --product certgate
	$(SWIFT) build -c release --product certgate-bench
	$(SWIFT) run -c release --skip-build certgate-bench

## format: format the sources with the toolchain's swift-format
format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build

## fuzz: libFuzzer on the CSV reader, both report parsers, the PDF validator and the .xlsx reader
##       (FUZZ_SECONDS each, default 60; findings land in .build-fuzz/findings)
FUZZ_SECONDS ?= 60
fuzz: deps
	$(SWIFT) build -c release --scratch-path .build-fuzz --product certgate-fuzz \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
	@mkdir -p .build-fuzz/findings
	@for target in csv certiport servsafe pdf xlsx; do \
		mkdir -p .build-fuzz/corpus/$$target; cp -n Tests/Fixtures/fuzz/$$target/* .build-fuzz/corpus/$$target/ 2>/dev/null; \
		echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
		CERTGATE_FUZZ_TARGET=$$target .build-fuzz/release/certgate-fuzz .build-fuzz/corpus/$$target \
			-max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=.build-fuzz/findings/$$target- -print_final_stats=1 2>&1 | tail -n 12 || exit 1; \
	done
