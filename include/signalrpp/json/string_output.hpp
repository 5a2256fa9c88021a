#pragma once
// json::string_output: a RapidJSON output stream that appends to a std::string, so a message is
// written straight into the buffer that will be sent, with no copy in between.

#include <cstddef>
#include <string>

namespace signalrpp::json {

class string_output {
public:
    using Ch = char;

    explicit string_output(std::string& target) noexcept : target_(&target) {}

    void Put(char c) { target_->push_back(c); }
    void Flush() noexcept {}

    std::string& target() noexcept { return *target_; }

    // RapidJSON's writer reserves room before writing a value (found by argument-dependent lookup).
    friend void PutReserve(string_output& out, std::size_t count) {
        out.target_->reserve(out.target_->size() + count);
    }
    friend void PutUnsafe(string_output& out, char c) { out.target_->push_back(c); }

private:
    std::string* target_;
};

} // namespace signalrpp::json
