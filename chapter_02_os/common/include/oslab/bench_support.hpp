// Helpers for the labs' Google Benchmark binaries.
#pragma once

#include <benchmark/benchmark.h>

#include <utility>

#include "oslab/not_implemented.hpp"

namespace oslab {

// Runs probe() once before timing. If the student's code still throws NotImplemented, the
// benchmark is reported as skipped with that message (instead of aborting the whole binary) and
// false is returned: the caller returns at once.
//   if (!oslab::implemented(state, [&] { my_function(small_input); })) return;
template <class Probe>
bool implemented(benchmark::State& state, Probe&& probe) {
    try {
        std::forward<Probe>(probe)();
        return true;
    } catch (const NotImplemented& e) {
        state.SkipWithError(e.what());
        return false;
    }
}

}  // namespace oslab
