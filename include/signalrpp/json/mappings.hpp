#pragma once
// Every JSON mapping signalrpp ships (an umbrella: it only includes). Headers that write or read C++
// values include this, so a type has the same mapping wherever it is used.

#include <signalrpp/json/bytes.hpp>
#include <signalrpp/json/containers.hpp>
#include <signalrpp/json/define_type.hpp>
#include <signalrpp/json/raw_json.hpp>
#include <signalrpp/json/scalars.hpp>
#include <signalrpp/json/serializer.hpp>
#include <signalrpp/json/time_point.hpp>
