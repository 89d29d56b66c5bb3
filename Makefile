# The README's two commands. Both install missing Debian packages first, so a clean
# clone on a fresh machine needs nothing else.
BUILD ?= build
JOBS ?= 2
PACKAGES := cmake g++ make tao-pegtl-dev libfmt-dev catch2 libsimdjson-dev libcli11-dev nlohmann-json3-dev libcpp-httplib-dev pkg-config
DEMO_CASE ?= tests/golden/run/standard/carpal-tunnel-right.case.json

.PHONY: all deps browser-deps configure build demo test sanitize bench clean

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

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

# The ASan/UBSan build, kept clean (see docs/architecture.md).
sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCPL_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/cpl bench

clean:
	rm -rf $(BUILD) build-asan
