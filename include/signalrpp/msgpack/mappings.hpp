#pragma once
// Every MessagePack mapping signalrpp ships (an umbrella: it only includes), json/mappings.hpp's
// counterpart: headers that write or read C++ values as MessagePack include this, so a type has the
// same mapping wherever it is used.

#include <signalrpp/msgpack/bytes.hpp>
#include <signalrpp/msgpack/containers.hpp>
#include <signalrpp/msgpack/define_type.hpp>
#include <signalrpp/msgpack/raw_msgpack.hpp>
#include <signalrpp/msgpack/scalars.hpp>
#include <signalrpp/msgpack/serializer.hpp>
#include <signalrpp/msgpack/time_point.hpp>
