#include "oslab/not_implemented.hpp"
#include "oslab/system_error.hpp"

namespace oslab {

NotImplemented::NotImplemented(const std::string& lab, const std::string& function,
                               const std::string& what, const std::string& readme,
                               const std::string& section)
    : std::logic_error("not implemented: " + what + " [" + lab + ", " + function + "()] -> see " +
                       readme + ", section \"" + section + "\"") {}

void throw_errno(const char* call) {
    throw std::system_error(errno, std::generic_category(), call);
}

}  // namespace oslab
