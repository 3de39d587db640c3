// The starter convention's exception (see oslab/not_implemented.hpp).
#include "oslab/not_implemented.hpp"

namespace oslab {

NotImplemented::NotImplemented(const std::string& lab, const std::string& function,
                               const std::string& what, const std::string& readme,
                               const std::string& section)
    : std::logic_error("not implemented: " + what + " [" + lab + ", " + function + "()] -> see " +
                       readme + ", section \"" + section + "\"") {}

}  // namespace oslab
