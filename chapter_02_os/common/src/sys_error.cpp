// System-call failures as exceptions (see oslab/sys_error.hpp).
#include "oslab/sys_error.hpp"

namespace oslab {

void throw_errno(const char* call) {
    throw std::system_error(errno, std::generic_category(), call);
}

}  // namespace oslab
