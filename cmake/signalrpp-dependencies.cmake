# Finds the headers signalrpp needs (standalone Asio, RapidJSON, Boost.Hana) and threads, and gathers
# them in one imported target, signalrpp::dependencies. Used by CMakeLists.txt and by the installed
# package config, so a find_package(signalrpp) user needs nothing else.
if(TARGET signalrpp::dependencies)
  return()
endif()

find_package(Threads REQUIRED)
find_path(SIGNALRPP_ASIO_INCLUDE_DIR asio.hpp DOC "standalone Asio (Debian: libasio-dev)")
find_path(SIGNALRPP_RAPIDJSON_INCLUDE_DIR rapidjson/document.h DOC "RapidJSON (Debian: rapidjson-dev)")
find_path(SIGNALRPP_BOOST_INCLUDE_DIR boost/hana.hpp DOC "Boost, for Boost.Hana (Debian: libboost-dev)")
foreach(dir ASIO RAPIDJSON BOOST)
  if(NOT SIGNALRPP_${dir}_INCLUDE_DIR)
    message(FATAL_ERROR "signalrpp: ${dir} headers not found; set SIGNALRPP_${dir}_INCLUDE_DIR or install them")
  endif()
endforeach()

add_library(signalrpp::dependencies INTERFACE IMPORTED GLOBAL)
target_include_directories(signalrpp::dependencies SYSTEM INTERFACE
  "${SIGNALRPP_ASIO_INCLUDE_DIR}" "${SIGNALRPP_RAPIDJSON_INCLUDE_DIR}" "${SIGNALRPP_BOOST_INCLUDE_DIR}")
target_link_libraries(signalrpp::dependencies INTERFACE Threads::Threads)
