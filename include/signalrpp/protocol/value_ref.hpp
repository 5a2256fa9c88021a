#pragma once
// value_ref: a C++ value to be written into a hub message, in whichever format the message is written:
// what a hub_protocol's write functions take for arguments, items and results. It refers to the value
// (which must outlive it) and to the two writers of its type; no copy, no allocation. (wire_value.hpp
// brings every mapping of both formats: see why there.)

#include <signalrpp/protocol/wire_value.hpp>

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace signalrpp::protocol {

/// Writing a value in a format its type has no mapping for.
class unmapped_type_error : public std::logic_error {
public:
    explicit unmapped_type_error(const char* format)
        : std::logic_error(std::string("The value's type has no ") + format + " mapping.") {}
};

class value_ref {
public:
    template <hub_value T>
    value_ref(const T& v) noexcept : object_(&v), writers_(&writers_of<T>) {} // NOLINT: converts on purpose

    /// The value, when it is a std::string (writers may have a quicker way for those).
    const std::string* string() const noexcept {
        return writers_->is_string ? static_cast<const std::string*>(object_) : nullptr;
    }

    void write(json::writer& out) const { writers_->json(out, object_); }
    void write(msgpack::writer& out) const { writers_->msgpack(out, object_); }

private:
    struct writers {
        void (*json)(json::writer&, const void*);
        void (*msgpack)(msgpack::writer&, const void*);
        bool is_string;
    };

    template <class T>
    static void write_json(json::writer& out, const void* v) {
        if constexpr (json::mapped<T>) {
            json::write(out, *static_cast<const T*>(v));
        } else {
            throw unmapped_type_error("JSON");
        }
    }

    template <class T>
    static void write_msgpack(msgpack::writer& out, const void* v) {
        if constexpr (msgpack::mapped<T>) {
            msgpack::write(out, *static_cast<const T*>(v));
        } else {
            throw unmapped_type_error("MessagePack");
        }
    }

    template <class T>
    static constexpr writers writers_of{&write_json<T>, &write_msgpack<T>, std::is_same_v<T, std::string>};

    const void* object_;
    const writers* writers_;
};

/// value_refs to each of `values`, in order: what the write functions' spans take. The array refers to
/// the values, which must outlive it.
template <hub_value... T>
std::array<value_ref, sizeof...(T)> value_refs(const T&... values) noexcept {
    return {value_ref(values)...};
}

} // namespace signalrpp::protocol
