// Given (compiled into both variants): the single-thread pipe baseline of the ping-pong, and a
// worked example of the helpers in oslab/byte_pipe.hpp.
#include <chrono>
#include <stdexcept>

#include "oslab/byte_pipe.hpp"
#include "oslab/ping_pong.hpp"

namespace oslab {

Nanos pipe_transfer_baseline(std::size_t transfers) {
    if (transfers == 0) throw std::invalid_argument("pipe_transfer_baseline: transfers == 0");
    Pipe pipe = make_pipe();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < transfers; ++i) {
        write_byte(pipe.write.get());
        read_byte(pipe.read.get());  // the byte is already there: read() does not block, no switch
    }
    return Nanos(std::chrono::steady_clock::now() - start) / static_cast<double>(transfers);
}

}  // namespace oslab
