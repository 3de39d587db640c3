// The starter convention: every part a student still has to write throws oslab::NotImplemented,
// so the first test run reads as a to-do list ("not implemented: ...") instead of a crash.
#pragma once

#include <stdexcept>
#include <string>

namespace oslab {

class NotImplemented : public std::logic_error {
public:
    NotImplemented(const std::string& lab, const std::string& function, const std::string& what,
                   const std::string& readme, const std::string& section);
};

}  // namespace oslab

#ifndef OSLAB_LAB_ID
#define OSLAB_LAB_ID "common"
#endif
#ifndef OSLAB_LAB_DIR
#define OSLAB_LAB_DIR "chapter_02_os"
#endif

// OSLAB_TODO("what to implement", "README section") inside a starter function body.
#define OSLAB_TODO(what, section) \
    throw ::oslab::NotImplemented(OSLAB_LAB_ID, __func__, what, OSLAB_LAB_DIR "/README.md", section)
