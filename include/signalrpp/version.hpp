#pragma once
// The library's version, as numbers for preprocessor checks and as text for logs.
// The build files (meson.build, CMakeLists.txt) read the numbers from here: this is the one place to change.

#define SIGNALRPP_VERSION_MAJOR 0
#define SIGNALRPP_VERSION_MINOR 1
#define SIGNALRPP_VERSION_PATCH 0

// One number that compares in order, e.g. 0.1.0 -> 100, 1.2.3 -> 10203.
#define SIGNALRPP_VERSION (SIGNALRPP_VERSION_MAJOR * 10000 + SIGNALRPP_VERSION_MINOR * 100 + SIGNALRPP_VERSION_PATCH)

namespace signalrpp {

/// "MAJOR.MINOR.PATCH" of the headers in use.
constexpr const char* version_string() noexcept {
#define SIGNALRPP_DETAIL_STRINGIFY2(x) #x
#define SIGNALRPP_DETAIL_STRINGIFY(x) SIGNALRPP_DETAIL_STRINGIFY2(x)
    return SIGNALRPP_DETAIL_STRINGIFY(SIGNALRPP_VERSION_MAJOR) "." SIGNALRPP_DETAIL_STRINGIFY(
        SIGNALRPP_VERSION_MINOR) "." SIGNALRPP_DETAIL_STRINGIFY(SIGNALRPP_VERSION_PATCH);
#undef SIGNALRPP_DETAIL_STRINGIFY
#undef SIGNALRPP_DETAIL_STRINGIFY2
}

} // namespace signalrpp
