# parquant - top-level entry points.  `make` builds build/parquant and the
# libraries; `make test` and `make demo` first install what the project needs
# (scripts/setup.sh) so both work on a fresh Debian 12 machine.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all build deps test test-unit test-asan demo install bench bench-migrate fuzz fuzz-ci clean

all: build

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

deps:
	@bash scripts/setup.sh

# All tests: the release build, then the whole suite again under ASan+UBSan,
# then a bounded libFuzzer run of every parser (fuzz-ci).
test: deps build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory fuzz-ci

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan:
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPQ_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) -- --no-print-directory
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# Every fuzz target for FUZZ_SECONDS (default 20) each under ASan+UBSan, in
# build-fuzz (clang); a crash fails and names the saved input (docs/fuzzing.md).
FUZZ_SECONDS ?= 20
fuzz-ci:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz_ci.sh

# Longer runs that keep what they find: make fuzz FUZZ_TIME=3600 FUZZ_TARGETS="reader footer"
FUZZ_TIME ?= 600
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_TIME) FUZZ_KEEP=1 bash scripts/fuzz_ci.sh $(FUZZ_TARGETS)

demo: deps build
	@bash scripts/demo.sh

install: build
	@cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX),)

bench: deps build
	@bash bench/run.sh

# parquant migrate on a generated production-scale NECROZMA tree against DuckDB (a few minutes;
# bash bench/migrate.sh --quick for the small tree); report in bench/out/migrate-*.md.
bench-migrate: deps build
	@bash bench/migrate.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
