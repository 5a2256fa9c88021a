// expect: SIGNALRPP_DEFINE_TYPE: two members have the same JSON name
#include <signalrpp/signalrpp.hpp>

struct clash {
    int name = 0;
    int other = 0;
};
// "Name" and "name" are the same property to a case-insensitive reader.
SIGNALRPP_DEFINE_TYPE(clash, name, (other, "Name"))

int main() {
    return static_cast<int>(signalrpp::json::to_string(clash{}).size());
}
