#pragma once
// The JSON form of a type that SIGNALRPP_DEFINE_TYPE describes (core/define_type.hpp): a JSON object
// with one property per listed member, named by its wire name. Reading matches property names
// case-insensitively, as ASP.NET Core does; unknown properties are ignored and members without a
// property keep their default value. Writing writes every listed member.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/define_type.hpp>
#include <signalrpp/json/serializer.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>

namespace signalrpp::json::detail {

template <class Field>
constexpr bool field_mapped(const Field&) {
    return mapped<typename Field::member_type>;
}

} // namespace signalrpp::json::detail

namespace signalrpp::json {

template <signalrpp::detail::described T>
struct serializer<T> {
    static constexpr auto fields = signalrpp::detail::fields_of_type<T>();
    static_assert(std::apply([](const auto&... f) { return (detail::field_mapped(f) && ...); }, fields),
                  "SIGNALRPP_DEFINE_TYPE: a listed member's type has no JSON mapping (describe it with "
                  "SIGNALRPP_DEFINE_TYPE or specialize signalrpp::json::serializer for it)");
    static_assert(signalrpp::detail::names_unique(fields),
                  "SIGNALRPP_DEFINE_TYPE: two members have the same JSON name (names are compared case-insensitively)");

    static bool read(const value& in, T& out) {
        if (!in.IsObject()) {
            return false;
        }
        for (const auto& member : in.GetObject()) {
            const std::string_view name(member.name.GetString(), member.name.GetStringLength());
            bool ok = true;
            std::apply(
                [&](const auto&... f) {
                    (void)((ascii::iequals(name, f.name) && ((ok = json::read(member.value, out.*(f.pointer))), true)) ||
                           ...);
                },
                fields);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static void write(writer& out, const T& v) {
        out.StartObject();
        std::apply(
            [&](const auto&... f) {
                ((out.Key(f.name.data(), static_cast<rapidjson::SizeType>(f.name.size())), json::write(out, v.*(f.pointer))),
                 ...);
            },
            fields);
        out.EndObject();
    }
};

} // namespace signalrpp::json
