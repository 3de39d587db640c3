# Every dependency comes from the distribution's packages; scripts/setup.sh installs them.
# Nothing is downloaded at configure time.

# oslab_require(<find_package args...> PACKAGE <debian-package>)
# find_package() that fails with the name of the Debian package to install.
macro(oslab_require name)
    cmake_parse_arguments(_req "" "PACKAGE" "" ${ARGN})
    find_package(${name} ${_req_UNPARSED_ARGUMENTS} QUIET)
    if(NOT ${name}_FOUND)
        message(FATAL_ERROR
            "oslab: missing dependency '${name}'. Install the Debian/Ubuntu package "
            "'${_req_PACKAGE}', or run: scripts/setup.sh")
    endif()
endmacro()

set(THREADS_PREFER_PTHREAD_FLAG ON)
oslab_require(Threads PACKAGE libc6-dev)
oslab_require(GTest CONFIG PACKAGE "libgtest-dev libgmock-dev")      # unit tests
oslab_require(benchmark CONFIG PACKAGE libbenchmark-dev)             # microbenchmarks
oslab_require(Boost 1.71 CONFIG PACKAGE libboost-dev)                # Boost.Asio (header-only)
oslab_require(fmt CONFIG PACKAGE libfmt-dev)                         # formatted output
oslab_require(CLI11 CONFIG PACKAGE libcli11-dev)                     # command-line flags

include(GoogleTest)

# liburing (optional): Lab 5's io_uring echo server (--mode uring, Step 7). Without it every other
# part builds, and that mode exists but reports "built without liburing". OSLAB_WITH_LIBURING=OFF
# builds without it on purpose (to check that path). Found through pkg-config: Debian 12's
# liburing-dev (2.3) ships liburing.pc but no CMake package.
option(OSLAB_WITH_LIBURING "Build Lab 5's io_uring server when liburing is installed" ON)
set(OSLAB_HAVE_LIBURING OFF)
if(OSLAB_WITH_LIBURING)
    find_package(PkgConfig QUIET)
    if(PkgConfig_FOUND)
        pkg_check_modules(URING QUIET IMPORTED_TARGET liburing>=2.3)
    endif()
    if(URING_FOUND)
        set(OSLAB_HAVE_LIBURING ON)
        message(STATUS "oslab: liburing ${URING_VERSION} found: Lab 5 builds the io_uring server")
    else()
        message(STATUS "oslab: liburing >= 2.3 not found (Debian/Ubuntu package liburing-dev, or "
                       "run scripts/setup.sh): Lab 5's --mode uring is built without it and says "
                       "so; everything else builds")
    endif()
else()
    message(STATUS "oslab: OSLAB_WITH_LIBURING=OFF: Lab 5's --mode uring is built without "
                   "liburing and says so")
endif()

# C++20 coroutines with Boost.Asio (use_awaitable). GCC 12 has them; Clang 14 with libstdc++ and
# Boost 1.74 does not compile them. Labs that need them check OSLAB_HAVE_ASIO_COROUTINES.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_INCLUDES ${Boost_INCLUDE_DIRS} ${PROJECT_SOURCE_DIR}/chapter_02_os/common/include)
set(CMAKE_REQUIRED_FLAGS "-std=c++20")
set(CMAKE_REQUIRED_LIBRARIES Threads::Threads)
# Through oslab/asio.hpp, which holds the Boost 1.74 workaround (the labs include it too).
check_cxx_source_compiles([[
#include "oslab/asio.hpp"
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
boost::asio::awaitable<int> answer() { co_return 42; }
int main() {
    boost::asio::io_context io;
    boost::asio::co_spawn(io, answer(), boost::asio::detached);
    io.run();
}
]] OSLAB_HAVE_ASIO_COROUTINES)
unset(CMAKE_REQUIRED_INCLUDES)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LIBRARIES)
if(OSLAB_HAVE_ASIO_COROUTINES)
    add_compile_definitions(OSLAB_HAVE_ASIO_COROUTINES=1)  # sources test it with #if
else()
    message(STATUS "oslab: this compiler cannot build Boost.Asio C++20 coroutines; "
                   "the coroutine variants are skipped (GCC 12 builds them)")
endif()
