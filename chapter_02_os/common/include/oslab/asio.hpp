// Boost.Asio for the labs: include this instead of <boost/asio.hpp>, so that the workaround below
// is written once. Where the compiler has Asio's C++20 coroutines (CMake's probe defines
// OSLAB_HAVE_ASIO_COROUTINES), their headers come too.
#pragma once

// Boost 1.74's boost/asio/awaitable.hpp (pulled in by boost/asio.hpp under C++20) uses
// std::exchange without including <utility>: include it first. Fixed in later Boost releases.
#include <utility>

#include <boost/asio.hpp>

#if OSLAB_HAVE_ASIO_COROUTINES
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#endif
