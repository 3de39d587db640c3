// Given code (compiled only with liburing): can this process use io_uring here? Probe, explain,
// and let the caller skip. Each failure is reported as one line that names the cause.
#include <liburing.h>
#include <sys/mman.h>

#include <cstring>
#include <fstream>
#include <string>

#include "oslab/uring_echo_server.hpp"

namespace oslab {

namespace {

std::string errno_name(int error) {
    const char* name = ::strerrorname_np(error);  // "EPERM" (glibc 2.32+)
    return name != nullptr ? name : std::to_string(error);
}

// io_uring_setup(2) failed: say what that usually means.
std::string setup_failure(int error, int disabled, const std::string& sysctl_path) {
    std::string line = "io_uring_setup: " + errno_name(error);
    switch (error) {
        case EPERM:
            if (disabled == 1) {
                return line + " (" + sysctl_path +
                       " is 1: only processes with CAP_SYS_ADMIN or in the group "
                       "kernel.io_uring_group may use io_uring)";
            }
            return line + " (blocked by a seccomp profile, as Docker's default one does)";
        case ENOSYS:
            return line + " (kernel older than 5.1, or built without CONFIG_IO_URING)";
        case ENOMEM:
            return line + " (out of locked memory: ulimit -l)";
        default:
            return line + " (" + std::strerror(error) + ")";
    }
}

// The sysctl's value, or -1 where the file does not exist (kernels before 6.6).
int read_disabled_sysctl(const std::string& path) {
    std::ifstream file(path);
    int value = -1;
    if (file && !(file >> value)) value = -1;
    return value;
}

struct NamedOpcode {
    int opcode;
    const char* name;
};

// What the server submits. IORING_OP_READ reads the eventfd that stop() writes to.
constexpr NamedOpcode kOpcodes[] = {
    {IORING_OP_ACCEPT, "IORING_OP_ACCEPT"},   {IORING_OP_RECV, "IORING_OP_RECV"},
    {IORING_OP_SEND, "IORING_OP_SEND"},       {IORING_OP_CLOSE, "IORING_OP_CLOSE"},
    {IORING_OP_TIMEOUT, "IORING_OP_TIMEOUT"}, {IORING_OP_ASYNC_CANCEL, "IORING_OP_ASYNC_CANCEL"},
    {IORING_OP_READ, "IORING_OP_READ"},
};

// Registers (and drops) a one-entry provided buffer ring: Linux 5.19+. Multishot accept came in
// the same release, so a kernel that passes this has it too. Multishot recv (6.0) is not probed:
// the server falls back to single-shot recv when the kernel answers it with -EINVAL.
std::string probe_buffer_ring(io_uring& ring) {
    const long page = ::sysconf(_SC_PAGESIZE);
    void* memory = ::mmap(nullptr, std::size_t(page), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return std::string("mmap: ") + std::strerror(errno);
    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<std::uintptr_t>(memory);
    registration.ring_entries = 1;
    registration.bgid = 0;
    const int result = io_uring_register_buf_ring(&ring, &registration, 0);
    if (result == 0) io_uring_unregister_buf_ring(&ring, 0);
    ::munmap(memory, std::size_t(page));
    if (result == 0) return {};
    return "io_uring_register_buf_ring: " + errno_name(-result) +
           (result == -EINVAL ? " (provided buffer rings need Linux 5.19)"
                              : std::string(" (") + std::strerror(-result) + ")");
}

}  // namespace

UringAvailability probe_io_uring(const std::string& io_uring_disabled_path) {
    // kernel.io_uring_disabled (Linux 6.6+): 0 everyone, 1 only privileged processes (or the
    // group kernel.io_uring_group), 2 nobody.
    const int disabled = read_disabled_sysctl(io_uring_disabled_path);
    if (disabled == 2) return {false, "io_uring is disabled: " + io_uring_disabled_path + " is 2"};

    io_uring ring{};
    const int result = io_uring_queue_init(4, &ring, 0);
    if (result < 0) return {false, setup_failure(-result, disabled, io_uring_disabled_path)};

    std::string reason;
    // IORING_REGISTER_PROBE (5.6) lists the opcodes this kernel implements.
    if (io_uring_probe* probe = io_uring_get_probe_ring(&ring); probe == nullptr) {
        reason = "io_uring_register(IORING_REGISTER_PROBE) failed (kernel older than 5.6)";
    } else {
        for (const auto& op : kOpcodes) {
            if (!io_uring_opcode_supported(probe, op.opcode)) {
                reason = std::string("opcode ") + op.name + " not supported by this kernel";
                break;
            }
        }
        io_uring_free_probe(probe);
    }
    if (reason.empty()) reason = probe_buffer_ring(ring);
    io_uring_queue_exit(&ring);
    return {reason.empty(), reason};
}

}  // namespace oslab
