// Qt defines `emit`, `signals` and `slots` as macros (unless QT_NO_KEYWORDS), and programs include Qt's
// headers before ours. signalrpp must compile after them: tests/tools/meson.build compiles this file
// with those macros defined as Qt defines them.
#if !defined(emit) || !defined(signals) || !defined(slots)
#error "compile with Qt's keyword macros defined: -Demit= -Dsignals=public -Dslots="
#endif
#include <signalrpp/signalrpp.hpp>
