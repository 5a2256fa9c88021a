#pragma once
// The MessagePack form of a type that SIGNALRPP_DEFINE_TYPE describes (core/define_type.hpp): a map with
// one entry per listed member, keyed by its wire name (a str), as ASP.NET Core's contractless resolver
// writes a .NET object. Reading matches keys case-insensitively; entries with other keys (of any type)
// are skipped and members without an entry keep their default value. Writing writes every member.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/define_type.hpp>
#include <signalrpp/msgpack/serializer.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>

namespace signalrpp::msgpack::detail {

template <class Field>
constexpr bool field_mapped(const Field&) {
    return mapped<typename Field::member_type>;
}

} // namespace signalrpp::msgpack::detail

namespace signalrpp::msgpack {

template <signalrpp::detail::described T>
struct serializer<T> {
    static constexpr auto fields = signalrpp::detail::fields_of_type<T>();
    static_assert(std::apply([](const auto&... f) { return (detail::field_mapped(f) && ...); }, fields),
                  "SIGNALRPP_DEFINE_TYPE: a listed member's type has no MessagePack mapping (describe it with "
                  "SIGNALRPP_DEFINE_TYPE or specialize signalrpp::msgpack::serializer for it)");
    static_assert(signalrpp::detail::names_unique(fields),
                  "SIGNALRPP_DEFINE_TYPE: two members have the same wire name (names are compared case-insensitively)");

    static bool read(reader& in, T& out) {
        std::size_t count = 0;
        if (!in.read_map_header(count)) {
            return false;
        }
        for (std::size_t i = 0; i < count; ++i) {
            std::string_view name;
            if (in.next_kind() != kind::string) {
                if (!in.skip() || !in.skip()) { // a key of another type: not one of ours
                    return false;
                }
                continue;
            }
            if (!in.read_string(name)) {
                return false;
            }
            bool found = false;
            bool ok = true;
            std::apply(
                [&](const auto&... f) {
                    (void)((ascii::iequals(name, f.name) && ((found = true), (ok = msgpack::read(in, out.*(f.pointer))), true)) ||
                           ...);
                },
                fields);
            if (!ok || (!found && !in.skip())) {
                return false;
            }
        }
        return true;
    }

    static void write(writer& out, const T& v) {
        out.write_map_header(std::tuple_size_v<decltype(fields)>);
        std::apply([&](const auto&... f) { ((out.write_string(f.name), msgpack::write(out, v.*(f.pointer))), ...); },
                   fields);
    }
};

} // namespace signalrpp::msgpack
