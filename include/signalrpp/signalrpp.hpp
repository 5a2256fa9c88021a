#pragma once
// Everything signalrpp offers, in one include. This file only includes; see each header for what it does.

#include <signalrpp/version.hpp>

#include <signalrpp/core/base64.hpp>
#include <signalrpp/core/detail/preprocessor.hpp>
#include <signalrpp/core/error.hpp>

#include <signalrpp/json/bytes.hpp>
#include <signalrpp/json/containers.hpp>
#include <signalrpp/json/define_type.hpp>
#include <signalrpp/json/raw_json.hpp>
#include <signalrpp/json/scalars.hpp>
#include <signalrpp/json/serializer.hpp>
#include <signalrpp/json/time_point.hpp>
#include <signalrpp/json/value.hpp>
