// Which variant of a lab a program was linked with: "solution" (the reference) or "starter" (the
// student's code). Each lab library defines it (cmake/OslabLab.cmake generates the definition), so
// a program compiled once and linked into both executables still knows which one it is, e.g. to
// start the sibling program of the same variant:
//   oslab::sibling_program("lab03_locality", oslab::build_variant())
#pragma once

namespace oslab {

const char* build_variant();

}  // namespace oslab
