// raw-echo-server: a persistent connection (no hub protocol: raw messages in and out) served three
// ways at once: plain HTTP, TLS with a self-signed certificate made at start-up, and a Unix-domain
// socket. Each message comes back as it was sent (text as text, binary as binary); a text message
// "/all TEXT" sends TEXT to every connection instead.
//
//     raw-echo-server [--port N] [--tls-port N] [--unix PATH] [--cert-out FILE]
//
// Prints one "listening on ..." line per listener, plain HTTP first (port 0: any free port); the
// endpoint is /echo on each (a WebSocket straight away, or negotiate and any SignalR transport).
// Runs until Ctrl-C.

#include <signalrpp/signalrpp.hpp>
#include <signalrpp/server/tls.hpp>

#include <asio/signal_set.hpp>
#include <asio/ssl/context.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace raw_echo {

struct echo_connection : signalrpp::persistent_connection {
    void on_received(std::string_view data, bool binary) {
        if (!binary && data.rfind("/all ", 0) == 0) {
            clients().all().send(data.substr(5));
        } else {
            send(data, binary);
        }
    }
};

// --- a self-signed certificate for 127.0.0.1 and localhost, with OpenSSL's C API -----------------

template <class T, void (*Free)(T*)>
using openssl_ptr = std::unique_ptr<T, std::integral_constant<decltype(Free), Free>>;

[[noreturn]] void openssl_failed(const char* what) {
    char reason[256];
    ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
    throw std::runtime_error(std::string(what) + ": " + reason);
}

void check(int ok, const char* what) {
    if (ok != 1) {
        openssl_failed(what);
    }
}

std::string pem_of(const std::function<int(BIO*)>& write) {
    const openssl_ptr<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1) {
        openssl_failed("writing PEM");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

struct certificate {
    std::string certificate_pem;
    std::string key_pem;
    std::string fingerprint; // SHA-256, "AB:CD:..."
};

// An EC P-256 key and a certificate for it, signed by itself, valid from an hour ago for 30 days.
certificate make_self_signed_certificate() {
    const openssl_ptr<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
    const openssl_ptr<X509, X509_free> cert(X509_new());
    if (!key || !cert) {
        openssl_failed("making a key");
    }
    check(X509_set_version(cert.get(), 2), "X509_set_version"); // version 3
    const openssl_ptr<BIGNUM, BN_free> serial(BN_new());
    if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
        openssl_failed("a serial number");
    }
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60 * 60) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 60 * 60)) {
        openssl_failed("the validity");
    }
    check(X509_set_pubkey(cert.get(), key.get()), "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"),
                                     -1, -1, 0),
          "the subject");
    check(X509_set_issuer_name(cert.get(), name), "the issuer");

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                                     {NID_basic_constraints, "critical,CA:TRUE"},
                                     {NID_subject_key_identifier, "hash"}}) {
        const openssl_ptr<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        if (!ext || !X509_add_ext(cert.get(), ext.get(), -1)) {
            openssl_failed("an extension");
        }
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        openssl_failed("signing");
    }

    certificate out;
    out.certificate_pem = pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
    out.key_pem = pem_of([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    check(X509_digest(cert.get(), EVP_sha256(), digest, &length), "the fingerprint");
    for (unsigned int i = 0; i < length; ++i) {
        char hex[4];
        std::snprintf(hex, sizeof hex, i == 0 ? "%02X" : ":%02X", digest[i]);
        out.fingerprint += hex;
    }
    return out;
}

// --- the command line ----------------------------------------------------------------------------

struct command_line {
    unsigned short port = 5002;
    unsigned short tls_port = 5443;
    std::filesystem::path unix_path = std::filesystem::temp_directory_path() / "signalrpp-raw-echo.sock";
    std::filesystem::path cert_out; // empty: not written
};

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: raw-echo-server [--port N] [--tls-port N] [--unix PATH] [--cert-out FILE]\n"
                         "  --port N         plain HTTP on 127.0.0.1 (default 5002; 0: any free port)\n"
                         "  --tls-port N     TLS on 127.0.0.1 (default 5443; 0: any free port)\n"
                         "  --unix PATH      the Unix-domain socket (default $TMPDIR/signalrpp-raw-echo.sock)\n"
                         "  --cert-out FILE  write the generated certificate there (PEM), for clients to trust\n");
    std::exit(2);
}

unsigned short port_of(const char* text) {
    char* end = nullptr;
    const long port = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || port < 0 || port > 65535) {
        usage();
    }
    return static_cast<unsigned short>(port);
}

command_line parse(int argc, char** argv) {
    command_line c;
    for (int i = 1; i < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            usage();
        }
        const char* value = argv[i + 1];
        if (flag == "--port") {
            c.port = port_of(value);
        } else if (flag == "--tls-port") {
            c.tls_port = port_of(value);
        } else if (flag == "--unix") {
            c.unix_path = value;
        } else if (flag == "--cert-out") {
            c.cert_out = value;
        } else {
            usage();
        }
    }
    return c;
}

} // namespace raw_echo

int main(int argc, char** argv) {
    const raw_echo::command_line args = raw_echo::parse(argc, argv);
    const raw_echo::certificate cert = raw_echo::make_self_signed_certificate();
    if (!args.cert_out.empty()) {
        std::ofstream(args.cert_out) << cert.certificate_pem;
    }
    asio::ssl::context tls(asio::ssl::context::tls_server); // must outlive the server
    tls.use_certificate_chain(asio::buffer(cert.certificate_pem));
    tls.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);

    asio::io_context io(1);
    signalrpp::server_options options;
    options.single_threaded = true; // only this thread runs io
    signalrpp::server server(io, options);
    server.map_connection<raw_echo::echo_connection>("/echo");

    asio::signal_set signals(io, SIGINT, SIGTERM); // caught before the addresses are printed
    signals.async_wait([&](std::error_code, int) { server.stop(); });

    const auto loopback = asio::ip::make_address("127.0.0.1");
    const auto plain = server.listen(asio::ip::tcp::endpoint(loopback, args.port));
    const auto secure = signalrpp::listen_tls(server, asio::ip::tcp::endpoint(loopback, args.tls_port), tls);
    server.listen(asio::local::stream_protocol::endpoint(args.unix_path.string()));
    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(plain.port()));
    std::printf("listening on https://127.0.0.1:%u (self-signed certificate, SHA-256 %s)\n",
                static_cast<unsigned>(secure.port()), cert.fingerprint.c_str());
    std::printf("listening on unix:%s\n", args.unix_path.c_str());
    std::fflush(stdout);
    io.run();
    std::error_code ignored;
    std::filesystem::remove(args.unix_path, ignored);
}
