// expect: SIGNALRPP_DEFINE_TYPE: a listed member's type has no JSON mapping
#include <signalrpp/signalrpp.hpp>

struct no_mapping {};
struct holder {
    no_mapping member;
};
SIGNALRPP_DEFINE_TYPE(holder, member)

int main() {
    return static_cast<int>(signalrpp::json::to_string(holder{}).size());
}
