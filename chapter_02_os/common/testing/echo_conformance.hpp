// The echo conformance suite: one set of GoogleTest cases that every echo server of Labs 4 and 5
// must pass. A lab instantiates it with a factory that builds its server:
//
//   OSLAB_ECHO_CONFORMANCE(Blocking, [](const oslab::EchoServerOptions& options) {
//       return std::make_unique<oslab::BlockingEchoServer>(options);
//   });
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "oslab/echo_server.hpp"

namespace oslab::testing {

using EchoServerFactory = std::function<std::unique_ptr<EchoServer>(const EchoServerOptions&)>;

struct EchoServerCase {
    std::string name;
    EchoServerFactory make;
};

class EchoConformance : public ::testing::TestWithParam<EchoServerCase> {};

}  // namespace oslab::testing

#define OSLAB_ECHO_CONFORMANCE(name, factory)                                         \
    INSTANTIATE_TEST_SUITE_P(name, ::oslab::testing::EchoConformance,                 \
                             ::testing::Values(::oslab::testing::EchoServerCase{#name, \
                                                                                (factory)}), \
                             [](const auto& info) { return info.param.name; })
