// Lab 1, part 2a: which CPUs a thread may run on (its affinity mask).
//
// The scheduler may run a thread on any CPU of its mask. Pinning both sides of a ping-pong to one
// CPU makes every message a context switch on that CPU; pinning them to two CPUs makes every
// message a cross-CPU wake-up. The benchmarks need both.
#pragma once

#include <span>
#include <vector>

namespace oslab {

// The CPUs the calling thread may run on, in increasing order (sched_getaffinity).
std::vector<int> allowed_cpus();

// Restricts the calling thread to `cpus` (sched_setaffinity). Throws std::invalid_argument if
// `cpus` is empty or holds a number outside [0, CPU_SETSIZE), std::system_error if the kernel
// refuses (e.g. EINVAL: none of those CPUs exists or is allowed).
void set_affinity(std::span<const int> cpus);

// Pins the calling thread to one CPU. (Given.)
inline void pin_to_cpu(int cpu) {
    const int cpus[] = {cpu};
    set_affinity(cpus);
}

// Pins the calling thread to `cpu` for the lifetime of the object, then restores the previous
// mask. cpu < 0 means "do not pin". (Given.)
class ScopedPin {
public:
    explicit ScopedPin(int cpu) {
        if (cpu < 0) return;
        saved_ = allowed_cpus();
        pin_to_cpu(cpu);
    }
    ~ScopedPin() {
        if (saved_.empty()) return;
        try {
            set_affinity(saved_);
        } catch (...) {  // a destructor must not throw; the old mask was valid a moment ago
        }
    }
    ScopedPin(const ScopedPin&) = delete;
    ScopedPin& operator=(const ScopedPin&) = delete;

private:
    std::vector<int> saved_;
};

}  // namespace oslab
