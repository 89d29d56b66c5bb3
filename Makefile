# The README's two commands. Both install missing Debian packages first, so a clean
# clone on a fresh machine needs nothing else.
BUILD ?= build
JOBS ?= 2
PACKAGES := cmake g++ make tao-pegtl-dev libfmt-dev catch2 libsimdjson-dev libcli11-dev nlohmann-json3-dev libcpp-httplib-dev pkg-config
# Only `make fuzz` needs these: libFuzzer and the LLVM sanitizers come with clang.
FUZZ_PACKAGES := clang libclang-rt-14-dev
DEMO_CASE ?= tests/golden/run/standard/carpal-tunnel-right.case.json
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := policy case evaluate

.PHONY: all deps browser-deps fuzz-deps configure build demo test sanitize bench fuzz clean

all: build

# Installs the Debian packages in $(1) that are missing (as root), or says which to install.
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call install_missing,$(PACKAGES))

fuzz-deps: deps
	$(call install_missing,$(FUZZ_PACKAGES))

# The workbench's browser test: Debian's chromium and node, and playwright-core from the
# lock file (npm ci), which drives that chromium and downloads no browser of its own.
browser-deps:
	@missing=$$(command -v chromium >/dev/null || echo chromium; command -v node >/dev/null || echo nodejs; command -v npm >/dev/null || echo npm); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:" $$missing; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y" $$missing; exit 1; \
	  fi; \
	fi
	@cd tests/browser && { [ -d node_modules/playwright-core ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent; }

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/cpl run $(DEMO_CASE)
	$(BUILD)/cpl run --explain $(DEMO_CASE)

test: build browser-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The ASan/UBSan build, kept clean (see docs/architecture.md); the whole suite, the
# workbench in a browser included, so it needs what `make test` does.
sanitize: deps browser-deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCPL_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@# -O0 frames under ASan are several times those of the optimized build the depth bounds
	@# are set for (the checker's 2,000 levels of definitions, evaluation's 1,000): 64 MiB of stack.
	cd build-asan && ulimit -s 65536 && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/cpl bench

# The libFuzzer targets (docs/fuzzing.md), built with clang, ASan and UBSan in $(FUZZ_BUILD),
# each run for FUZZ_SECONDS at low priority. New inputs go to $(FUZZ_BUILD)/fuzz/found-TARGET,
# findings (crashes, hangs, failed properties) to $(FUZZ_BUILD)/findings-TARGET/; copy each
# finding into fuzz/corpus/TARGET/ once fixed, so `make test` replays it for ever.
# The targets are built with AddressSanitizer, whose frames are several times those of the
# optimized build the depth bounds are set for: 64 MiB of stack, as `make sanitize` gives.
fuzz: fuzz-deps
	@CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCPL_FUZZ=ON -DCPL_TESTS=OFF >/dev/null
	@nice -n 10 cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/fuzz/found-$$t $(FUZZ_BUILD)/findings-$$t; \
	  echo "fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  seeds="fuzz/corpus/$$t"; \
	  case $$t in \
	    policy) seeds="$$seeds stdlib/standard policies tests/golden/fmt tests/golden/diagnostics";; \
	    *) seeds="$$seeds tests/golden/run tests/golden/cases";; \
	  esac; \
	  ulimit -s 65536; nice -n 10 $(FUZZ_BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
	    -rss_limit_mb=2560 -print_final_stats=1 -dict=fuzz/dict/$$t.dict \
	    -artifact_prefix=$(FUZZ_BUILD)/findings-$$t/ $(FUZZ_BUILD)/fuzz/found-$$t $$seeds || exit 1; \
	done

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD)
