// Static files through a real server, over each carrier: index files, content types, HEAD, no way out
// of the directory, unknown file types, byte ranges, directories mapped at a prefix, and bodies streamed
// piece by piece as the client reads rather than read whole.
#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace server_test;

namespace {

// A directory of files for one test, removed after it.
struct temporary_directory {
    explicit temporary_directory(const std::string& name)
        : path(std::filesystem::temp_directory_path() / ("signalrpp-" + name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temporary_directory() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    void write(const std::string& name, const std::string& content) const {
        std::ofstream(path / name, std::ios::binary) << content;
    }
    std::filesystem::path path;
};

http::fields with(const char* name, const char* value) {
    http::fields f;
    f.set(name, value);
    return f;
}

} // namespace

TEST_CASE("static files: index, content types, HEAD, no way out of the directory", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    const auto root = std::filesystem::temp_directory_path() / ("signalrpp-static-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "js");
    std::ofstream(root / "index.html") << "<h1>hi</h1>";
    std::ofstream(root / "js" / "app.js") << "let x = 1;";
    std::ofstream(root.parent_path() / "signalrpp-secret.txt") << "secret";
    std::error_code ec;
    std::filesystem::create_symlink(root.parent_path() / "signalrpp-secret.txt", root / "link.txt", ec);

    signalrpp::server_options options;
    options.static_files = root;
    running_server server(carrier, {}, options);
    client c(server);
    auto r = c.request("GET", "/");
    CHECK(r.status == 200);
    CHECK(r.body == "<h1>hi</h1>");
    CHECK(r.fields.find("Content-Type") == "text/html; charset=utf-8");
    r = c.request("GET", "/js/app.js");
    CHECK(r.body == "let x = 1;");
    CHECK(r.fields.find("Content-Type") == "text/javascript; charset=utf-8");
    r = c.request("HEAD", "/js/app.js");
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    CHECK(r.fields.find("Content-Length") == "10");
    for (const char* path : {"/../signalrpp-secret.txt", "/js/%2e%2e/%2e%2e/signalrpp-secret.txt",
                             "/js/..%2f..%2fsignalrpp-secret.txt", "/link.txt", "/js%5c..%5c..%5csignalrpp-secret.txt",
                             "/missing.html"}) {
        INFO(path);
        r = c.request("GET", path);
        CHECK(r.status == 404);
        CHECK(r.body.find("secret") == std::string::npos);
    }
    CHECK(c.request("POST", "/echo/negotiate").status == 200); // mapped paths still win
    std::filesystem::remove_all(root);
    std::filesystem::remove(root.parent_path() / "signalrpp-secret.txt");
}

TEST_CASE("static files of unknown types are not served unless the options say so", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    const temporary_directory files("static-types");
    files.write("notes.bak", "private");
    files.write("page.html", "<p>");
    const bool serve_unknown = GENERATE(false, true);
    CAPTURE(serve_unknown);
    signalrpp::server_options options;
    options.static_files = files.path;
    options.static_file_options.serve_unknown_file_types = serve_unknown;
    running_server server(carrier, {}, options);
    client c(server);
    auto r = c.request("GET", "/notes.bak");
    if (serve_unknown) {
        CHECK(r.status == 200);
        CHECK(r.body == "private");
        CHECK(r.fields.find("Content-Type") == "application/octet-stream");
    } else {
        CHECK(r.status == 404);
        CHECK(r.body.find("private") == std::string::npos);
    }
    CHECK(c.request("GET", "/page.html").status == 200);
}

TEST_CASE("static files answer one byte range with 206, an impossible one with 416, others whole", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    const temporary_directory files("static-ranges");
    files.write("digits.txt", "0123456789");
    signalrpp::server_options options;
    options.static_files = files.path;
    running_server server(carrier, {}, options);
    client c(server);

    auto r = c.request("GET", "/digits.txt");
    CHECK(r.status == 200);
    CHECK(r.fields.find("Accept-Ranges") == "bytes");
    r = c.request("GET", "/digits.txt", {}, with("Range", "bytes=2-5"));
    CHECK(r.status == 206);
    CHECK(r.body == "2345");
    CHECK(r.fields.find("Content-Range") == "bytes 2-5/10");
    CHECK(r.fields.find("Content-Type") == "text/plain; charset=utf-8");
    r = c.request("GET", "/digits.txt", {}, with("Range", "bytes=-3"));
    CHECK(r.status == 206);
    CHECK(r.body == "789");
    r = c.request("GET", "/digits.txt", {}, with("Range", "bytes=10-"));
    CHECK(r.status == 416);
    CHECK(r.body.empty());
    CHECK(r.fields.find("Content-Range") == "bytes */10");
    // Deliberately whole: several ranges, a conditional range (no validator to compare), HEAD.
    r = c.request("GET", "/digits.txt", {}, with("Range", "bytes=0-1,4-5"));
    CHECK(r.status == 200);
    CHECK(r.body == "0123456789");
    http::fields conditional = with("Range", "bytes=0-1");
    conditional.set("If-Range", "\"x\"");
    r = c.request("GET", "/digits.txt", {}, conditional);
    CHECK(r.status == 200);
    CHECK(r.body == "0123456789");
    r = c.request("HEAD", "/digits.txt", {}, with("Range", "bytes=0-1"));
    CHECK(r.status == 200);
    CHECK(r.fields.find("Content-Length") == "10");
    CHECK(c.request("GET", "/digits.txt").body == "0123456789"); // the socket still serves
}

TEST_CASE("map_static_files serves a directory at a prefix", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    const temporary_directory site("static-site");
    const temporary_directory lib("static-lib");
    site.write("index.html", "site");
    lib.write("client.js", "lib");
    signalrpp::server_options options;
    options.static_files = site.path;
    running_server server(carrier, {}, options, 1,
                          [&](signalrpp::server& s) { s.map_static_files("/lib", lib.path); });
    client c(server);
    CHECK(c.request("GET", "/").body == "site");
    auto r = c.request("GET", "/LIB/client.js");
    CHECK(r.status == 200);
    CHECK(r.body == "lib");
    CHECK(c.request("GET", "/client.js").status == 404);
    CHECK(c.request("GET", "/library/client.js").status == 404); // a prefix of segments, not of text
    CHECK(c.request("POST", "/lib/client.js").status == 404);
}

TEST_CASE("a large static file is read piece by piece as the client takes it, not whole", "[server]") {
    // The client's end holds 16 KiB: the server can only be a piece or two ahead of what the client has
    // read. Bytes of the file changed on disk after the client read its first 200 KiB must arrive changed.
    constexpr std::size_t size = 1024 * 1024;
    constexpr std::size_t changed_from = 512 * 1024;
    const temporary_directory files("static-stream");
    std::string content(size, 'a');
    content.replace(200 * 1024, 4, "MARK");
    content.replace(size - 4, 4, "END!");
    files.write("big.txt", content);
    signalrpp::server_options options;
    options.static_files = files.path;
    running_server server(carrier::memory, {}, options);
    client c(server);
    c.memory().set_capacity(16 * 1024);
    c.send("GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string received = c.read_until("MARK");
    {
        std::fstream file(files.path / "big.txt", std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(changed_from));
        const std::string b(size - 4 - changed_from, 'b');
        file.write(b.data(), static_cast<std::streamsize>(b.size()));
    }
    received += c.read_until("END!");
    const std::size_t body = received.find("\r\n\r\n");
    REQUIRE(body != std::string::npos);
    CHECK(received.substr(0, body).find("Content-Length: 1048576") != std::string::npos);
    std::string expected = content;
    expected.replace(changed_from, size - 4 - changed_from, std::string(size - 4 - changed_from, 'b'));
    const std::string got = received.substr(body + 4);
    REQUIRE(got.size() == expected.size());
    CHECK(got.substr(0, changed_from) == expected.substr(0, changed_from));
    CHECK(got.substr(changed_from) == expected.substr(changed_from));
    CHECK(c.request("GET", "/big.txt", {}, with("Range", "bytes=-4")).body == "END!"); // and the socket goes on
}
