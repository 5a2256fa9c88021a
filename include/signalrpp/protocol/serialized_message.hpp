#pragma once
// serialized_message: one Invocation for many connections (ASP.NET Core's SerializedHubMessage). Each
// recipient asks for it in its own protocol's bytes; those are written the first time a protocol asks
// and shared by every later recipient of that protocol, so a message to a group of JSON and MessagePack
// members is written exactly twice, and one to a single protocol's members once. The arguments are
// referred to, not copied: use it while they live (a send() call). Not thread-safe.

#include <signalrpp/protocol/hub_protocol.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace signalrpp::protocol {

class serialized_message {
public:
    serialized_message(const invocation_header& header, std::span<const value_ref> arguments) noexcept
        : header_(header), arguments_(arguments) {}

    /// The message in `protocol`'s bytes, written on the first call for that protocol.
    const std::shared_ptr<const std::string>& bytes(const hub_protocol& protocol) {
        for (const auto& written : written_) {
            if (written.protocol == &protocol) {
                return written.bytes;
            }
        }
        std::string out;
        protocol.write_invocation(out, header_, arguments_);
        written_.push_back({&protocol, std::make_shared<const std::string>(std::move(out))});
        return written_.back().bytes;
    }

private:
    struct written {
        const hub_protocol* protocol;
        std::shared_ptr<const std::string> bytes;
    };

    invocation_header header_;
    std::span<const value_ref> arguments_;
    std::vector<written> written_; // one per protocol asked for (two at most, today)
};

} // namespace signalrpp::protocol
