#!/usr/bin/env bash
# Installs everything the labs need to build, test, benchmark and report, from the distribution's
# packages. Idempotent: when everything is present it prints one line and exits 0.
#   scripts/setup.sh            install what is missing (as root, or through sudo)
#   scripts/setup.sh --check    only report what is missing (exit 1 if anything is)
set -euo pipefail

# package            what it is for
PACKAGES=(
  g++                # the C++20 compiler (GCC 12 or newer)
  cmake              # the build system (3.25 or newer: presets version 6)
  ninja-build        # the generator the presets use
  pkgconf            # lets CMake find some packages
  python3            # scripts/lab, the course's command-line tool
  libgtest-dev       # GoogleTest: the labs' tests
  libgmock-dev       # GoogleMock: matchers used by the tests
  libbenchmark-dev   # Google Benchmark: the labs' benchmarks
  libboost-dev       # Boost.Asio (header-only): Labs 2 and 5
  libfmt-dev         # fmt: formatted output in programs
  libcli11-dev       # CLI11: command-line flags of the lab programs
  liburing-dev       # liburing: Lab 5's io_uring server (optional: without it that mode says so)
  strace             # system-call tracing: Lab 1's clone-flags test, the exercises
  gnuplot-nox        # plots in the chapter report
  inotify-tools      # inotifywait: 'scripts/lab watch'
  procps             # ps, pgrep: watching processes
  htop               # threads and memory live (the observation exercises)
  time               # /usr/bin/time -v: page faults, context switches, peak RSS of a command
  clang-format       # one code style (scripts/check-style)
  shellcheck         # shell script linting (scripts/check-style)
)
# Installed where the distribution has the package under this name, skipped (and said) elsewhere:
OPTIONAL=(
  linux-perf         # perf: Lab 3's counters, Lab 5's system calls per message (Debian's name;
                     # Ubuntu's perf is linux-tools-$(uname -r), which follows the running kernel)
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
known() { apt-cache show "$1" >/dev/null 2>&1; }  # the distribution has a package of this name
missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done
optional=()
for package in "${OPTIONAL[@]}"; do
  installed "$package" || optional+=("$package")
done
# With every required package there, an optional one is installed only if the package lists
# know it (no 'apt-get update' on each run for a name this distribution does not have).
# Moves each optional package the package lists know into missing; names the others.
take_known_optional() {
  for package in "${optional[@]}"; do
    if known "$package"; then
      missing+=("$package")
    else
      echo "setup: optional $package is not a package here; install its equivalent for perf"
    fi
  done
  optional=()
}
if [ ${#missing[@]} -eq 0 ] && [ ${#optional[@]} -gt 0 ]; then
  take_known_optional
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all dependencies are installed"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "setup: missing packages: ${missing[*]}"
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: this script needs apt-get (Debian/Ubuntu). Install the equivalents of:" >&2
  echo "  ${missing[*]}" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "setup: run as root or install sudo; packages to install: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
take_known_optional
echo "setup: installing ${missing[*]}"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
