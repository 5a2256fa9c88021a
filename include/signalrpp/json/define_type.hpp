#pragma once
// SIGNALRPP_DEFINE_TYPE(type, member, (member, "WireName"), ...) gives a user struct a JSON mapping:
// a JSON object with one property per listed public member. A member's property name is its C++ name,
// or the name given beside it (.NET peers write PascalCase or camelCase).
//
//     struct point { int x; int y; std::optional<std::string> label; };
//     SIGNALRPP_DEFINE_TYPE(point, x, y, (label, "Label"))
//
// Use it in the namespace of the type (it defines a function found there by argument-dependent lookup).
// Reading matches property names case-insensitively, as ASP.NET Core does; unknown properties are
// ignored and members without a property keep their default value. Writing writes every listed member.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/detail/preprocessor.hpp>
#include <signalrpp/json/serializer.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>

namespace signalrpp::json::detail {

template <class Owner, class Member>
struct field {
    Member Owner::*pointer;
    std::string_view name;
};

template <class Owner, class Member>
field(Member Owner::*, std::string_view) -> field<Owner, Member>;

template <class... Fields>
constexpr auto fields_of(std::nullptr_t, Fields... fields) {
    return std::make_tuple(fields...);
}

template <class Tuple>
constexpr bool names_unique(const Tuple& fields) {
    return std::apply(
        [](const auto&... f) {
            const std::string_view names[] = {f.name...};
            for (std::size_t i = 0; i < sizeof...(f); ++i) {
                for (std::size_t j = i + 1; j < sizeof...(f); ++j) {
                    if (ascii::iequals(names[i], names[j])) {
                        return false;
                    }
                }
            }
            return true;
        },
        fields);
}

template <class T>
concept described = requires(const T* p) { signalrpp_json_fields(p); };

template <class T>
constexpr auto fields_of_type() {
    return signalrpp_json_fields(static_cast<const T*>(nullptr));
}

template <class Owner, class Member>
constexpr bool field_mapped(const field<Owner, Member>&) {
    return mapped<Member>;
}

} // namespace signalrpp::json::detail

namespace signalrpp::json {

template <detail::described T>
struct serializer<T> {
    static constexpr auto fields = detail::fields_of_type<T>();
    static_assert(std::apply([](const auto&... f) { return (detail::field_mapped(f) && ...); }, fields),
                  "SIGNALRPP_DEFINE_TYPE: a listed member's type has no JSON mapping (describe it with "
                  "SIGNALRPP_DEFINE_TYPE or specialize signalrpp::json::serializer for it)");
    static_assert(detail::names_unique(fields),
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

#define SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD(type, entry) \
    SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_I(type, SIGNALRPP_DETAIL_NAMED(entry))
#define SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_I(type, ...) SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_II(type, __VA_ARGS__)
#define SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_II(type, member, name) \
    , ::signalrpp::json::detail::field{&type::member, std::string_view{name}}

/// Describes `type`'s JSON form: each entry is a member name, or (member, "WireName").
#define SIGNALRPP_DEFINE_TYPE(type, ...)                                                            \
    [[maybe_unused]] constexpr auto signalrpp_json_fields(const type*) {                            \
        return ::signalrpp::json::detail::fields_of(                                                \
            nullptr SIGNALRPP_DETAIL_FOR_EACH(SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD, type, __VA_ARGS__)); \
    }
