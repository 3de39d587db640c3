// Small given helpers for the ping-pong and the coroutines: a pipe, and one byte written or read
// with every error checked. A pipe is a one-way byte channel in the kernel: write() to fds[1],
// read() from fds[0]; read() blocks while it is empty and returns 0 (EOF) once every write end is
// closed. (Given: the lesson is who holds which end, not the error handling.)
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {

struct Pipe {
    UniqueFd read;   // fds[0]
    UniqueFd write;  // fds[1]
};

// pipe2 with O_CLOEXEC: the ends are closed automatically in a program started with exec().
inline Pipe make_pipe() {
    int fds[2];
    check_syscall(::pipe2(fds, O_CLOEXEC), "pipe2");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Writes one byte, retrying if a signal interrupts the call.
inline void write_byte(int fd, char byte = 'x') {
    while (::write(fd, &byte, 1) == -1) {
        if (errno != EINTR) throw_errno("write");
    }
}

// Reads one byte; blocks until there is one. Returns false at EOF (the other side closed).
inline bool read_byte(int fd) {
    char byte = 0;
    for (;;) {
        const ssize_t r = ::read(fd, &byte, 1);
        if (r == 1) return true;
        if (r == 0) return false;
        if (errno != EINTR) throw_errno("read");
    }
}

}  // namespace oslab
