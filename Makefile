# The two commands a newcomer needs: `make demo` and `make check`. Both install what is missing
# (scripts/setup.sh), configure with CMake and build; everything else is a step of theirs.
JOBS    ?= $(shell nproc)
CMAKE   ?= cmake
# Warnings are errors in every build: the same configuration for demo and check, so the second
# command does not rebuild what the first built (WERROR=OFF for a compiler newer than Debian 12's).
WERROR  ?= ON
# Extra arguments for the demo, e.g. make demo ARGS="--profile 1080x1920"
ARGS    ?=

.PHONY: all setup build build-asan demo check test test-asan bench format clean install deb

all: build

setup:
	@scripts/setup.sh

# Optimised, unsanitised build: build/jobcast
build: setup
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJOBCAST_WERROR=$(WERROR) \
		-DCMAKE_INSTALL_PREFIX=/usr >/dev/null
	$(CMAKE) --build build -j $(JOBS)

# ASan + UBSan build of everything, tests included: build-asan/
build-asan: setup
	$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DJOBCAST_SANITIZE=ON \
		-DJOBCAST_WERROR=$(WERROR) >/dev/null
	$(CMAKE) --build build-asan -j $(JOBS)

demo: build
	build/jobcast $(ARGS)

# scripts/check.sh fails on a failed or skipped test and when no test ran, and ends with the
# counts ("N passed, F failed, S skipped").
test: build
	scripts/check.sh -j $(JOBS) build

test-asan: build-asan
	scripts/check.sh -j $(JOBS) build-asan

# Every test, twice: the optimised build and the sanitised one, warnings as errors; one verdict
# and one count for both.
check: build build-asan
	scripts/check.sh -j $(JOBS) build build-asan

# The binary, the GStreamer plugin, /etc/jobcast and the systemd unit under /usr (the prefix is
# set at configure time, -DCMAKE_INSTALL_PREFIX=…, as the unit names it); DESTDIR=… stages them.
install: build
	$(CMAKE) --install build

# A Debian package of the optimised build: build/jobcast_VERSION_ARCH.deb (prefix /usr).
deb: build
	cd build && cpack -G DEB

# Benchmarks: bench/bench-NAME.sh each print `metric: NAME VALUE UNIT` lines; results and the
# commands that made them are kept in bench/RESULTS.md.
bench: build
	@set -e; for b in bench/bench-*.sh; do echo "== $$b"; $$b; done

bench-%: build
	@test -x bench/bench-$*.sh || { echo "no benchmark bench/bench-$*.sh"; exit 2; }
	@bench/bench-$*.sh

format:
	git ls-files --cached --others --exclude-standard -- '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-asan
