#pragma once
// http::fields: the header fields of an HTTP message, in the order received. Names compare
// case-insensitively (RFC 9110); a name may repeat (find() gives the first, for_each() every one).

#include <signalrpp/core/ascii.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp::http {

class fields {
public:
    struct field {
        std::string name;
        std::string value;
    };

    void add(std::string name, std::string value) { list_.push_back({std::move(name), std::move(value)}); }

    /// Replaces every field called `name` with one holding `value`.
    void set(std::string_view name, std::string value) {
        erase(name);
        add(std::string(name), std::move(value));
    }

    void erase(std::string_view name) {
        std::erase_if(list_, [&](const field& f) { return ascii::iequals(f.name, name); });
    }

    /// The value of the first field called `name`.
    std::optional<std::string_view> find(std::string_view name) const noexcept {
        for (const auto& f : list_) {
            if (ascii::iequals(f.name, name)) {
                return f.value;
            }
        }
        return std::nullopt;
    }

    bool contains(std::string_view name) const noexcept { return find(name).has_value(); }

    std::size_t count(std::string_view name) const noexcept {
        std::size_t n = 0;
        for (const auto& f : list_) {
            n += ascii::iequals(f.name, name) ? 1 : 0;
        }
        return n;
    }

    /// Whether any field called `name` lists `token` in its comma-separated value (case-insensitive),
    /// as in "Connection: keep-alive, Upgrade".
    bool has_token(std::string_view name, std::string_view token) const noexcept {
        for (const auto& f : list_) {
            if (!ascii::iequals(f.name, name)) {
                continue;
            }
            std::string_view rest = f.value;
            while (!rest.empty()) {
                const std::size_t comma = rest.find(',');
                if (ascii::iequals(ascii::trim(rest.substr(0, comma)), token)) {
                    return true;
                }
                rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            }
        }
        return false;
    }

    const std::vector<field>& list() const noexcept { return list_; }
    std::size_t size() const noexcept { return list_.size(); }
    bool empty() const noexcept { return list_.empty(); }
    void clear() noexcept { list_.clear(); }

private:
    std::vector<field> list_;
};

} // namespace signalrpp::http
