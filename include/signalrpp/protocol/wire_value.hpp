#pragma once
// The values a hub message carries (arguments, a stream item, a result), as the hub protocol read them:
// a JSON value or the bytes of one MessagePack value, not bound to any C++ type yet. Everything above
// protocol/ binds them through read() here, without knowing the format: the format-neutral face of the
// two mappings (json::serializer<T>, msgpack::serializer<T>).
//
// A hub_value is a C++ type with a mapping in either format, usually both (SIGNALRPP_DEFINE_TYPE gives
// both from one field list). Reading a value in a format the type has no mapping for fails like a
// value of the wrong type; writing one throws unmapped_type_error (see value_ref.hpp).

// Every mapping signalrpp ships, in both formats, is included here: whether T has a mapping in a format
// decides what read() and value_ref instantiate for it, and that must not depend on which headers a
// translation unit happened to include (one program, one answer per type).
#include <signalrpp/json/mappings.hpp>
#include <signalrpp/msgpack/mappings.hpp>
#include <signalrpp/protocol/detail/container_view.hpp>

#include <cstddef>
#include <string_view>

namespace signalrpp {

/// A type one of the hub protocols can carry.
template <class T>
concept hub_value = json::mapped<T> || msgpack::mapped<T>;

} // namespace signalrpp

namespace signalrpp::protocol {

/// One value as read: JSON, MessagePack, or absent. A view, valid as long as the message it is in.
class wire_value {
public:
    wire_value() = default;
    explicit wire_value(const json::value* v) noexcept : json_(v) {}
    /// The bytes of exactly one whole MessagePack value (the reader checked it).
    static wire_value msgpack(std::string_view value) noexcept {
        wire_value v;
        v.msgpack_ = value;
        return v;
    }

    bool present() const noexcept { return json_ != nullptr || msgpack_.data() != nullptr; }
    const json::value* json() const noexcept { return json_; }
    std::string_view msgpack_bytes() const noexcept { return msgpack_; }

    /// The length of the value if it is a string, else 0: room to make before binding it.
    std::size_t string_length() const noexcept {
        if (json_ != nullptr) {
            return json_->IsString() ? json_->GetStringLength() : 0;
        }
        msgpack::reader in(msgpack_);
        std::string_view s;
        return in.read_string(s) ? s.size() : 0;
    }

    /// Binds the value to `out`; false if it is absent or does not hold a T.
    template <hub_value T>
    bool read(T& out) const {
        if (json_ != nullptr) {
            if constexpr (json::mapped<T>) {
                return json::read(*json_, out);
            }
            return false;
        }
        if constexpr (msgpack::mapped<T>) {
            return msgpack_.data() != nullptr && msgpack::from_bytes(msgpack_, out);
        }
        return false;
    }

private:
    const json::value* json_ = nullptr;
    std::string_view msgpack_;
};

/// A list of values (a call's arguments): a JSON array, or a MessagePack array. Two words (see
/// detail/container_view.hpp).
class wire_list {
public:
    wire_list() = default;
    explicit wire_list(const json::value* array) noexcept : view_(array) {}
    /// `array`: one whole MessagePack array, its header included, whose elements the reader checked.
    static wire_list msgpack(std::string_view array) noexcept {
        wire_list l;
        l.view_ = detail::container_view::msgpack(array);
        return l;
    }

    std::size_t size() const noexcept {
        if (const json::value* array = view_.json()) {
            return array->Size();
        }
        return view_.is_msgpack() ? view_.msgpack_count() : 0;
    }
    bool empty() const noexcept { return size() == 0; }
    const json::value* json() const noexcept { return view_.json(); }

    /// Reads the values in order, each one once.
    class cursor {
    public:
        explicit cursor(const wire_list& list) noexcept
            : json_(list.view_.json()), msgpack_(list.view_.is_msgpack() ? list.view_.msgpack_elements(count_)
                                                                         : msgpack::reader({})) {
            if (json_ != nullptr) {
                count_ = json_->Size();
            }
        }

        /// The next value; absent past the end.
        wire_value next() {
            if (index_ >= count_) {
                return {};
            }
            ++index_;
            if (json_ != nullptr) {
                return wire_value(&(*json_)[static_cast<rapidjson::SizeType>(index_ - 1)]);
            }
            std::string_view value;
            return msgpack_.read_raw(value) ? wire_value::msgpack(value) : wire_value{};
        }

    private:
        const json::value* json_;
        std::size_t count_ = 0;
        msgpack::reader msgpack_;
        std::size_t index_ = 0;
    };

    cursor values() const noexcept { return cursor(*this); }

private:
    detail::container_view view_;
};

} // namespace signalrpp::protocol
