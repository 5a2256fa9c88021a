#pragma once
// Static files from a directory, for examples and small apps (GET and HEAD): "/" and directories
// serve their index.html; the content type comes from the extension, and a file whose extension has
// none known is not served unless the options say so. A path that tries to leave the directory (a ".."
// segment, an encoded one, a backslash, a NUL, a symlink pointing out) is refused with 404, like any
// file that is not there. Bodies are streamed (static_file_sender); a single byte range is answered
// (http::requested_range).

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/http/byte_range.hpp>
#include <signalrpp/http/message.hpp>
#include <signalrpp/http/query.hpp>
#include <signalrpp/http/writer.hpp>
#include <signalrpp/server/route_result.hpp>
#include <signalrpp/server/static_file_options.hpp>
#include <signalrpp/server/static_file_sender.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::hosting {

/// The Content-Type for a file name's extension; nullopt when it is not a known one.
inline std::optional<std::string_view> content_type_for(std::string_view name) {
    const std::size_t dot = name.rfind('.');
    std::string ext;
    if (dot != std::string_view::npos) {
        for (const char c : name.substr(dot + 1)) {
            ext += ascii::to_lower(c);
        }
    }
    struct entry {
        std::string_view ext, type;
    };
    static constexpr entry types[] = {
        {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"}, {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"}, {"json", "application/json; charset=utf-8"},
        {"map", "application/json; charset=utf-8"}, {"txt", "text/plain; charset=utf-8"},
        {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
        {"gif", "image/gif"}, {"ico", "image/x-icon"}, {"webp", "image/webp"}, {"wasm", "application/wasm"},
        {"woff", "font/woff"}, {"woff2", "font/woff2"},
    };
    for (const auto& t : types) {
        if (t.ext == ext) {
            return t.type;
        }
    }
    return std::nullopt;
}

/// The file under `root` that `path` (a request path, still percent-encoded) names, if it is one.
inline std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& root,
                                                                std::string_view path) {
    const std::string decoded = http::url_decode(path, false);
    if (decoded.empty() || decoded.front() != '/' || decoded.find('\0') != std::string::npos ||
        decoded.find('\\') != std::string::npos) {
        return std::nullopt;
    }
    std::filesystem::path file = root;
    std::string_view rest = std::string_view(decoded).substr(1);
    while (!rest.empty()) {
        const std::size_t slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        if (segment == "..") {
            return std::nullopt;
        }
        if (!segment.empty() && segment != ".") {
            file /= std::string(segment);
        }
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        file /= "index.html";
    }
    if (!std::filesystem::is_regular_file(file, ec)) {
        return std::nullopt;
    }
    // Symlinks may point anywhere: the real file must still be under the real root.
    const auto real_root = std::filesystem::canonical(root, ec);
    const auto real_file = std::filesystem::canonical(file, ec);
    if (ec) {
        return std::nullopt;
    }
    const auto [root_end, file_it] = std::mismatch(real_root.begin(), real_root.end(), real_file.begin(), real_file.end());
    if (root_end != real_root.end()) {
        return std::nullopt;
    }
    return real_file;
}

/// The answer to a GET or HEAD of `path` (the request's path below the directory's prefix, still
/// percent-encoded) from `root`: nullopt when no file there may be served. A GET's body is streamed
/// on `context`'s exchange; a single Range is answered with 206 or 416.
inline std::optional<route_result> static_file_answer(const std::filesystem::path& root,
                                                      const static_file_options& options, const http::request& request,
                                                      std::string_view path, const request_context& context) {
    const auto file = resolve_static_path(root, path);
    if (!file) {
        return std::nullopt;
    }
    const auto type = content_type_for(file->filename().string());
    if (!type && !options.serve_unknown_file_types) {
        return std::nullopt;
    }
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(*file, ec);
    std::ifstream in(*file, std::ios::binary);
    if (ec || !in) {
        return std::nullopt;
    }
    route_result result;
    http::response& r = result.response;
    r.fields.add("Content-Type", std::string(type ? *type : std::string_view(options.default_content_type)));
    r.fields.add("Cache-Control", "no-cache");
    r.fields.add("Accept-Ranges", "bytes");
    // If-Range would need a validator to compare; none is sent, so a conditional range is answered whole.
    const auto range = request.method == "GET" && !request.fields.contains("If-Range")
                           ? http::requested_range(request.fields.find("Range"), size)
                           : http::range_request{};
    http::byte_range part{0, size == 0 ? 0 : size - 1};
    switch (range.what) {
    case http::range_request::kind::whole: break;
    case http::range_request::kind::unsatisfiable:
        r.status = 416;
        r.fields.add("Content-Range", "bytes */" + std::to_string(size));
        r.fields.add("Content-Length", "0");
        return result;
    case http::range_request::kind::range:
        r.status = 206;
        part = range.range;
        r.fields.add("Content-Range", part.content_range(size));
        break;
    }
    const std::uint64_t length = size == 0 ? 0 : part.length();
    r.fields.add("Content-Length", std::to_string(length));
    if (request.method == "HEAD" || length == 0) {
        return result; // the head alone: write_response keeps this Content-Length
    }
    auto sender = std::make_shared<static_file_sender>(std::move(in), part.first, length);
    result.what = route_result::kind::exchange;
    result.user = sender;
    result.begin = [sender, exchange = context.exchange](const http::response& head) {
        std::string out;
        http::write_response_head(out, head);
        sender->begin(exchange, std::move(out));
    };
    return result;
}

} // namespace signalrpp::hosting
