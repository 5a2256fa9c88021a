// expect: hub_server_connection
// In separate-compilation mode a file that does not compile the implementation gets the API only from
// the umbrella header: the hub runtime's connection class, which is machinery compiled once by the
// implementation file, is not even declared there (that is what keeps such files fast to compile).
#define SIGNALRPP_SEPARATE_COMPILATION
#include <signalrpp/signalrpp.hpp>

#include <cstddef>

std::size_t runtime_size() { return sizeof(signalrpp::hub_server_connection); }
