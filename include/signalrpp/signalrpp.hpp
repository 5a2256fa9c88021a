#pragma once
// Everything signalrpp offers, in one include. This file only includes; see each header for what it does.

#include <signalrpp/version.hpp>

#include <signalrpp/core/base64.hpp>
#include <signalrpp/core/error.hpp>
