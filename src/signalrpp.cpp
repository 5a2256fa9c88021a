// The source file of the separate-compilation mode (see <signalrpp/core/separate_compilation.hpp>):
// Meson builds it as the static library behind the 'signalrpp-separate' dependency.
#include <signalrpp/src.hpp>
