# cmake -DNHB2_HEADER_ROOTS="dir|dir" -P check_public_headers.cmake
#
# Fails (naming each header and include) when a header under the given roots includes a private
# dependency of the nhb2 libraries: Eigen, yaml-cpp, Boost.Program_Options, nlohmann/json, xxHash,
# Google Benchmark or Catch2. Boost.Random is public (core/rng.hpp's engine) and allowed.

if(NOT NHB2_HEADER_ROOTS)
  message(FATAL_ERROR "NHB2_HEADER_ROOTS is not set")
endif()
string(REPLACE "|" ";" NHB2_HEADER_ROOTS "${NHB2_HEADER_ROOTS}")

set(private_pattern
    "^[ \t]*#[ \t]*include[ \t]*[<\"](Eigen/[^>\"]*|unsupported/Eigen/[^>\"]*|yaml-cpp/[^>\"]*|boost/program_options[^>\"]*|nlohmann/[^>\"]*|xxhash[^>\"]*|benchmark/[^>\"]*|catch2/[^>\"]*)[>\"]")

set(problems "")
set(num_headers 0)
foreach(root IN LISTS NHB2_HEADER_ROOTS)
  if(NOT IS_DIRECTORY "${root}")
    message(FATAL_ERROR "header root ${root} is not a directory")
  endif()
  file(GLOB_RECURSE headers "${root}/*.hpp" "${root}/*.h")
  foreach(header IN LISTS headers)
    math(EXPR num_headers "${num_headers} + 1")
    file(STRINGS "${header}" lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "${private_pattern}")
        string(APPEND problems "\n  ${header} includes the private dependency ${CMAKE_MATCH_1}")
      endif()
    endforeach()
  endforeach()
endforeach()

if(num_headers EQUAL 0)
  message(FATAL_ERROR "no headers found under ${NHB2_HEADER_ROOTS}")
endif()
if(problems)
  message(FATAL_ERROR "public headers must not include private dependencies:${problems}")
endif()
message(STATUS "${num_headers} public headers checked: no private dependency included")
