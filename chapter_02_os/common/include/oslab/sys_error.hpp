// System calls report failure through a return value and errno. The labs turn that into an
// exception that names the call, so an error says what failed and why ("fork: Resource temporarily
// unavailable"), never just "-1".
#pragma once

#include <cerrno>
#include <system_error>

namespace oslab {

// Throws std::system_error built from the current errno and the name of the failed call.
[[noreturn]] void throw_errno(const char* call);

// Returns result unchanged, or throws (see throw_errno) when it is -1.
template <class Int>
Int check_syscall(Int result, const char* call) {
    if (result == -1) throw_errno(call);
    return result;
}

}  // namespace oslab
