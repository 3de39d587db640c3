# OSLAB_SANITIZE selects the runtime checkers for the whole build:
#   ""                   none (release builds, benchmarks)
#   "address,undefined"  ASan + UBSan: out-of-bounds, use-after-free, leaks, undefined behaviour
#   "thread"             TSan: data races (the concurrency labs must be clean under it)
set(OSLAB_SANITIZE "" CACHE STRING "Sanitizers: empty, 'address,undefined' or 'thread'")
set_property(CACHE OSLAB_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")

if(OSLAB_SANITIZE)
    if(OSLAB_SANITIZE MATCHES "thread" AND OSLAB_SANITIZE MATCHES "address")
        message(FATAL_ERROR "oslab: ThreadSanitizer cannot be combined with AddressSanitizer")
    endif()
    set(_flags -fsanitize=${OSLAB_SANITIZE} -fno-omit-frame-pointer)
    if(OSLAB_SANITIZE MATCHES "undefined")
        list(APPEND _flags -fno-sanitize-recover=undefined)  # UB fails the test, not just a log line
        # UBSan's vptr check probes memory through a pipe(): in the tests that exhaust file
        # descriptors on purpose (EMFILE), that probe fails and the check reports a false error.
        list(APPEND _flags -fno-sanitize=vptr)
    endif()
    # Probe the flags before using them: a compiler without the runtime gets a clear message.
    include(CheckCXXSourceCompiles)
    set(CMAKE_REQUIRED_FLAGS "${_flags}")
    set(CMAKE_REQUIRED_LINK_OPTIONS ${_flags})
    string(REPLACE "," "_" _probe "OSLAB_SANITIZER_WORKS_${OSLAB_SANITIZE}")
    string(REPLACE ";" " " CMAKE_REQUIRED_FLAGS "${_flags}")
    check_cxx_source_compiles("int main() { return 0; }" ${_probe})
    unset(CMAKE_REQUIRED_FLAGS)
    unset(CMAKE_REQUIRED_LINK_OPTIONS)
    if(NOT ${_probe})
        message(FATAL_ERROR "oslab: the compiler cannot build with -fsanitize=${OSLAB_SANITIZE}; "
                            "install its sanitizer runtime (for Clang: libclang-rt-dev) or use "
                            "the 'release' preset")
    endif()
    add_compile_options(${_flags})
    add_link_options(${_flags})
    message(STATUS "oslab: sanitizers enabled: ${OSLAB_SANITIZE}")
endif()
