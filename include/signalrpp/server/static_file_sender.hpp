#pragma once
// static_file_sender: the body of one static file's answer, streamed. It writes the head, then the
// file's bytes in pieces of at most `piece_size`, reading each piece only when the last one is out, so
// that a file costs one piece of memory however large it is and however slowly the client reads (the
// HTTP session's send timeout ends a client that stops). A file that ends early (it shrank meanwhile)
// cuts the answer short: the socket closes, and the client sees fewer bytes than Content-Length said.

#include <signalrpp/transport/http_exchange.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace signalrpp::hosting {

class static_file_sender final : public transport::exchange_user {
public:
    static constexpr std::size_t piece_size = 64 * 1024;

    /// Sends `length` bytes of `file` from `first` on.
    static_file_sender(std::ifstream file, std::uint64_t first, std::uint64_t length)
        : file_(std::move(file)), left_(length) {
        file_.seekg(static_cast<std::streamoff>(first));
    }

    /// Writes `head` (the answer's status line and fields) on `exchange`; the body follows.
    void begin(const std::shared_ptr<transport::http_exchange>& exchange, std::string head) {
        exchange_ = exchange;
        exchange->write(std::move(head));
    }

    void on_sent(std::error_code ec) override {
        const auto exchange = exchange_.lock();
        if (ec || !exchange) {
            return finish();
        }
        if (left_ == 0) {
            finish();
            exchange->end(true);
            return;
        }
        std::string piece(static_cast<std::size_t>(std::min<std::uint64_t>(left_, piece_size)), '\0');
        file_.read(piece.data(), static_cast<std::streamsize>(piece.size()));
        if (static_cast<std::size_t>(file_.gcount()) != piece.size()) {
            finish();
            exchange->end(false);
            return;
        }
        left_ -= piece.size();
        exchange->write(std::move(piece));
    }

    void on_peer_gone(std::error_code) override { finish(); }

private:
    void finish() {
        exchange_.reset();
        file_.close();
    }

    std::ifstream file_;
    std::uint64_t left_;
    std::weak_ptr<transport::http_exchange> exchange_;
};

} // namespace signalrpp::hosting
