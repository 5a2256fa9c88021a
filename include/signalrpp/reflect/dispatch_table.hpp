#pragma once
// dispatch_table<Hub>: the hub's described methods lowered, once per hub type and at compile time,
// into one array sorted by case-folded wire name; a call finds its method by binary search (by a
// linear one in a small table), matching names case-insensitively (ASCII), as ASP.NET Core does.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/reflect/hub_description.hpp>
#include <signalrpp/reflect/method_invoker.hpp>

#include <boost/hana/unpack.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace signalrpp::reflect {

/// One method of the table: its wire name and its invoker.
template <class Hub>
struct method_entry {
    std::string_view name;
    dispatch_result (*invoke)(Hub&, const invocation&, const dispatch_context&);
};

template <class Hub>
class dispatch_table {
public:
    /// The method a call names, or null.
    static const method_entry<Hub>* find(std::string_view target) noexcept {
        if constexpr (entries.size() <= linear_search_limit) {
            // A few names: compared one by one, most rejected by their length alone.
            for (const auto& e : entries) {
                if (ascii::iequals(e.name, target)) {
                    return &e;
                }
            }
            return nullptr;
        } else {
            const auto it = std::lower_bound(entries.begin(), entries.end(), target,
                                             [](const auto& e, std::string_view t) {
                                                 return ascii::compare_folded(e.name, t) < 0;
                                             });
            return it != entries.end() && ascii::compare_folded(it->name, target) == 0 ? &*it : nullptr;
        }
    }

    static constexpr std::size_t linear_search_limit = 8;

    static constexpr auto entries = boost::hana::unpack(hub_methods<Hub>(), [](auto... m) {
        std::array<method_entry<Hub>, sizeof...(m)> table{
            method_entry<Hub>{m.name, &invoke_method<Hub, decltype(m)::pointer>}...};
        std::sort(table.begin(), table.end(),
                  [](const auto& a, const auto& b) { return ascii::compare_folded(a.name, b.name) < 0; });
        return table;
    });
};

} // namespace signalrpp::reflect
