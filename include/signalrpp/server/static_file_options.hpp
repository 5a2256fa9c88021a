#pragma once
// static_file_options: how a directory of static files is served (server::map_static_files).

#include <string>

namespace signalrpp::hosting {

/// How a directory's files are served.
struct static_file_options {
    /// Serves files whose extension has no known content type (ASP.NET Core's ServeUnknownFileTypes),
    /// as `default_content_type`. Off by default: such files get 404, so that a stray file in the
    /// directory (a backup, a key) is not handed out.
    bool serve_unknown_file_types = false;
    std::string default_content_type = "application/octet-stream";
};

} // namespace signalrpp::hosting
