#pragma once
// raise_file_limit(): lets a load generator hold as many sockets as the hard limit allows (its soft
// limit may be far lower), so that ten or twenty thousand connections fit in one process.

#include <sys/resource.h>

inline void raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}
