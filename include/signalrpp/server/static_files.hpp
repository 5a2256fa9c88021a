#pragma once
// Static files from a directory, for examples and small apps (GET and HEAD): "/" and directories
// serve their index.html; the content type comes from the extension. A path that tries to leave the
// directory (a ".." segment, an encoded one, a backslash, a NUL, a symlink pointing out) is refused
// with 404, like any file that is not there.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/http/message.hpp>
#include <signalrpp/http/query.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::hosting {

/// The Content-Type for a file name's extension (application/octet-stream when unknown).
inline std::string_view content_type_for(std::string_view name) {
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
    return "application/octet-stream";
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

/// The answer to GET/HEAD `path` from `root`: 200 with the file, or 404.
inline http::response serve_static_file(const std::filesystem::path& root, std::string_view path) {
    http::response r;
    const auto file = resolve_static_path(root, path);
    std::ifstream in;
    if (file) {
        in.open(*file, std::ios::binary);
    }
    if (!file || !in) {
        r.status = 404;
        return r;
    }
    r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    r.fields.add("Content-Type", std::string(content_type_for(file->filename().string())));
    r.fields.add("Cache-Control", "no-cache");
    return r;
}

} // namespace signalrpp::hosting
