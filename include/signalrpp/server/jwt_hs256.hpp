#pragma once
// jwt_hs256: JSON Web Tokens (RFC 7519) signed with HMAC-SHA256, issued and validated as ASP.NET Core's
// JwtBearer validates them with a symmetric key (opt-in: it needs OpenSSL, so link with -lcrypto;
// include this header, or define SIGNALRPP_ENABLE_JWT before <signalrpp/signalrpp.hpp>).
//
//     signalrpp::jwt_hs256 jwt(secret, {.issuer = "me", .audience = "chat"});
//     options.authenticate = jwt.authenticator();           // a path's http_connection_options
//     std::string token = jwt.issue({{"sub", "alice"}}, std::chrono::hours(1));   // for a login endpoint
//
// Validation: three base64url parts; the signature (HMAC-SHA256 of the first two parts) compared in
// constant time; the header's alg exactly "HS256" (never "none" or another algorithm: the key decides
// the algorithm, not the token); exp required, exp and nbf checked with the clock skew (5 minutes, as
// JwtBearer's ClockSkew); iss and aud checked when configured; duplicate member names and a `crit`
// header refused. The identity: each string member is a claim, an array of strings several claims of
// that type; the user id is `sub`, else `nameid`, else the long NameIdentifier claim (ASP.NET's default
// user-id provider reads NameIdentifier, to which JwtBearer maps `sub`). Anything malformed is refused
// (std::nullopt), never thrown.
// A jwt_hs256 is immutable after construction: use it from any number of threads.

#include <signalrpp/core/base64.hpp>
#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/string_output.hpp>
#include <signalrpp/json/value.hpp>
#include <signalrpp/json/writer.hpp>
#include <signalrpp/transport/authentication.hpp>
#include <signalrpp/transport/user_identity.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp {

struct jwt_hs256_options {
    /// When set, issued tokens carry it as `iss` and validated ones must (ValidIssuer).
    std::optional<std::string> issuer;
    /// When set, issued tokens carry it as `aud` and validated ones must name it (ValidAudience).
    std::optional<std::string> audience;
    /// How far exp and nbf may be off the clock (TokenValidationParameters.ClockSkew).
    std::chrono::seconds clock_skew = std::chrono::minutes(5);
};

class jwt_hs256 {
public:
    using options = jwt_hs256_options;

    /// The NameIdentifier claim type, the last place the user id is looked for.
    static constexpr std::string_view name_identifier_claim =
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";

    /// Throws std::invalid_argument when `secret` is shorter than 32 bytes (256 bits), which
    /// Microsoft.IdentityModel refuses for HS256 as well.
    explicit jwt_hs256(std::string secret, options o = {}) : secret_(std::move(secret)), options_(std::move(o)) {
        if (secret_.size() < 32) {
            throw std::invalid_argument("jwt_hs256: the secret must have at least 32 bytes (256 bits)");
        }
    }

    /// A token with `claims` as string members (a type given several times becomes an array of its
    /// values), exp = now + lifetime, iat = nbf = now, and iss / aud when configured. Claims named exp,
    /// iat or nbf, and iss / aud when configured, are left out: the token's own values take their place.
    std::string issue(const std::vector<std::pair<std::string, std::string>>& claims,
                      std::chrono::seconds lifetime) const {
        const std::int64_t now =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        std::string payload;
        json::string_output output(payload);
        json::writer w(output);
        w.StartObject();
        for (std::size_t i = 0; i < claims.size(); ++i) {
            const std::string& type = claims[i].first;
            if (is_reserved(type) || first_index(claims, type) != i) {
                continue; // written by the token itself, or already with the first of its type
            }
            w.Key(type);
            const std::size_t count = count_of(claims, type);
            if (count > 1) {
                w.StartArray();
            }
            for (std::size_t j = i; j < claims.size(); ++j) {
                if (claims[j].first == type) {
                    w.String(claims[j].second);
                }
            }
            if (count > 1) {
                w.EndArray();
            }
        }
        w.Key("exp");
        w.Int64(now + lifetime.count());
        w.Key("iat");
        w.Int64(now);
        w.Key("nbf");
        w.Int64(now);
        if (options_.issuer) {
            w.Key("iss");
            w.String(*options_.issuer);
        }
        if (options_.audience) {
            w.Key("aud");
            w.String(*options_.audience);
        }
        w.EndObject();

        constexpr std::string_view header = R"({"alg":"HS256","typ":"JWT"})";
        std::string token = base64::encode(std::as_bytes(std::span(header)), base64::alphabet::url);
        token += '.';
        base64::encode(std::as_bytes(std::span(payload)), token, base64::alphabet::url);
        const auto signature = sign(token);
        token += '.';
        base64::encode(std::as_bytes(std::span(signature)), token, base64::alphabet::url);
        return token;
    }

    /// The identity `token` carries, or std::nullopt when it is not a valid token of this key (see the
    /// top of this file for what is checked).
    std::optional<transport::user_identity> validate(std::string_view token) const {
        const std::size_t first = token.find('.');
        const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
        if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
            return std::nullopt; // not three parts
        }
        std::string header_text;
        std::string payload_text;
        std::vector<std::byte> signature;
        if (!decode(token.substr(0, first), header_text) ||
            !decode(token.substr(first + 1, second - first - 1), payload_text) ||
            base64::decode(token.substr(second + 1), signature, base64::alphabet::url)) {
            return std::nullopt;
        }
        // The signature first, so that no JSON from an unknown party is parsed; the header's alg after it
        // (this key signs HS256 only: a token it signed that says otherwise is refused all the same).
        const auto expected = sign(token.substr(0, second));
        if (signature.size() != expected.size() ||
            CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
            return std::nullopt;
        }
        json::insitu_document document;
        if (!header_acceptable(header_text, document)) {
            return std::nullopt;
        }
        return identity_of(payload_text, document);
    }

    /// An authenticator for http_connection_options::authenticate that validates the request's token
    /// with (a copy of) this; a request without a token, or with a bad one, is refused.
    transport::authenticator authenticator() const {
        return [self = *this](const transport::authentication_request& r) -> std::optional<transport::user_identity> {
            if (r.access_token.empty()) {
                return std::nullopt;
            }
            return self.validate(r.access_token);
        };
    }

private:
    using signature_bytes = std::array<unsigned char, 32>;

    signature_bytes sign(std::string_view data) const {
        signature_bytes out{};
        unsigned int size = 0;
        HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
        return out;
    }

    // base64url text into `out` (NUL-terminated, as insitu_document needs).
    static bool decode(std::string_view text, std::string& out) {
        std::vector<std::byte> bytes;
        if (base64::decode(text, bytes, base64::alphabet::url)) {
            return false;
        }
        out.clear();
        out.reserve(bytes.size());
        for (const std::byte b : bytes) {
            out.push_back(static_cast<char>(b));
        }
        return true;
    }

    static std::string_view string_of(const json::value& v) { return {v.GetString(), v.GetStringLength()}; }

    // Whether an object has a member name twice (RFC 7519 lets parsers refuse those tokens).
    static bool has_duplicate_names(const json::value& object) {
        for (auto i = object.MemberBegin(); i != object.MemberEnd(); ++i) {
            for (auto j = object.MemberBegin(); j != i; ++j) {
                if (string_of(i->name) == string_of(j->name)) {
                    return true;
                }
            }
        }
        return false;
    }

    static bool header_acceptable(std::string& text, json::insitu_document& document) {
        if (!document.parse(text.data(), text.size()) || !document.root().IsObject() ||
            has_duplicate_names(document.root())) {
            return false;
        }
        bool hs256 = false;
        for (const auto& member : document.root().GetObject()) {
            const std::string_view name = string_of(member.name);
            if (name == "alg") {
                hs256 = member.value.IsString() && string_of(member.value) == "HS256";
            } else if (name == "crit") {
                return false; // extensions that must be understood: none are
            }
        }
        return hs256;
    }

    std::optional<transport::user_identity> identity_of(std::string& text, json::insitu_document& document) const {
        if (!document.parse(text.data(), text.size()) || !document.root().IsObject() ||
            has_duplicate_names(document.root())) {
            return std::nullopt;
        }
        const double now =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        const double skew = static_cast<double>(options_.clock_skew.count());
        bool has_exp = false;
        bool issuer_ok = !options_.issuer;
        bool audience_ok = !options_.audience;
        transport::user_identity user;
        for (const auto& member : document.root().GetObject()) {
            const std::string_view name = string_of(member.name);
            const json::value& v = member.value;
            if (name == "exp" || name == "nbf" || name == "iat") {
                if (!v.IsNumber()) {
                    return std::nullopt;
                }
                const double at = v.GetDouble();
                if ((name == "exp" && now > at + skew) || (name == "nbf" && now + skew < at)) {
                    return std::nullopt;
                }
                has_exp = has_exp || name == "exp";
                continue;
            }
            if (name == "iss" && options_.issuer) {
                issuer_ok = v.IsString() && string_of(v) == *options_.issuer;
            } else if (name == "aud" && options_.audience) {
                audience_ok = audience_matches(v, *options_.audience);
            }
            if (v.IsString()) {
                user.claims.emplace_back(name, string_of(v));
            } else if (v.IsArray()) {
                for (const auto& element : v.GetArray()) {
                    if (element.IsString()) {
                        user.claims.emplace_back(name, string_of(element));
                    }
                }
            }
        }
        if (!has_exp || !issuer_ok || !audience_ok) {
            return std::nullopt;
        }
        constexpr std::string_view sub = "sub";
        constexpr std::string_view nameid = "nameid";
        for (const std::string_view type : {sub, nameid, name_identifier_claim}) {
            if (auto id = user.claim(type)) {
                user.user_id = std::move(*id);
                break;
            }
        }
        return user;
    }

    // Whether an aud value (a string or an array of strings) names `audience`.
    static bool audience_matches(const json::value& aud, std::string_view audience) {
        if (aud.IsString()) {
            return string_of(aud) == audience;
        }
        if (aud.IsArray()) {
            for (const auto& element : aud.GetArray()) {
                if (element.IsString() && string_of(element) == audience) {
                    return true;
                }
            }
        }
        return false;
    }

    bool is_reserved(std::string_view type) const {
        return type == "exp" || type == "iat" || type == "nbf" || (type == "iss" && options_.issuer) ||
               (type == "aud" && options_.audience);
    }

    static std::size_t first_index(const std::vector<std::pair<std::string, std::string>>& claims,
                                   std::string_view type) {
        std::size_t i = 0;
        while (claims[i].first != type) {
            ++i;
        }
        return i;
    }

    static std::size_t count_of(const std::vector<std::pair<std::string, std::string>>& claims,
                                std::string_view type) {
        std::size_t n = 0;
        for (const auto& claim : claims) {
            n += claim.first == type ? 1 : 0;
        }
        return n;
    }

    std::string secret_;
    options options_;
};

} // namespace signalrpp
