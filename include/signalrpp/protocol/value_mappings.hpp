#pragma once
// Every mapping of C++ values signalrpp ships, in both formats, and the format-neutral ways to read and
// write them (wire_value, value_ref): an umbrella for code above protocol/ that binds or writes values
// without knowing which hub protocol carries them.

#include <signalrpp/json/mappings.hpp>
#include <signalrpp/msgpack/mappings.hpp>
#include <signalrpp/protocol/value_ref.hpp>
#include <signalrpp/protocol/wire_value.hpp>
