// core/format.hpp: the one number formatter of every output.

#include <nhb2/core/format.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <limits>
#include <string>

TEST_CASE("format_double writes the shortest text that reads back to the same double", "[format]") {
  CHECK(nhb2::format_double(0.1) == "0.1");
  CHECK(nhb2::format_double(20000.0) == "20000");
  CHECK(nhb2::format_double(0.003125) == "0.003125");
  CHECK(nhb2::format_double(1e8) == "1e+08");
  CHECK(nhb2::format_double(-0.0) == "-0");
  for (const double value : {1.0 / 3.0, 91.23456789012345, 5e-324, 1.7976931348623157e308}) {
    CHECK(std::strtod(nhb2::format_double(value).c_str(), nullptr) == value);
  }
}

TEST_CASE("format_double spells non-finite values nan, inf and -inf", "[format]") {
  CHECK(nhb2::format_double(std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(nhb2::format_double(-std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(nhb2::format_double(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(nhb2::format_double(-std::numeric_limits<double>::infinity()) == "-inf");
}

TEST_CASE("append_double appends what format_double returns", "[format]") {
  std::string out = "x=";
  nhb2::append_double(out, 2.5);
  nhb2::append_double(out, std::numeric_limits<double>::infinity());
  CHECK(out == "x=2.5inf");
}

TEST_CASE("format_fixed writes exactly the asked decimals", "[format]") {
  CHECK(nhb2::format_fixed(91.256, 2) == "91.26");
  CHECK(nhb2::format_fixed(3.0, 0) == "3");
  CHECK(nhb2::format_fixed(-0.5, 3) == "-0.500");
}

TEST_CASE("to_hex writes 16 lowercase zero-padded hex digits", "[format]") {
  CHECK(nhb2::to_hex(0) == "0000000000000000");
  CHECK(nhb2::to_hex(0xABCDEFu) == "0000000000abcdef");
  CHECK(nhb2::to_hex(~std::uint64_t{0}) == "ffffffffffffffff");
}

TEST_CASE("format_readable writes message numbers without an exponent where a person would",
          "[format]") {
  CHECK(nhb2::format_readable(1e8) == "100000000");
  CHECK(nhb2::format_readable(20000.0) == "20000");
  CHECK(nhb2::format_readable(0.0) == "0");
  CHECK(nhb2::format_readable(2.5) == "2.5");
  CHECK(nhb2::format_readable(0.001) == "0.001");
  CHECK(nhb2::format_readable(-1e6) == "-1000000");
  CHECK(nhb2::format_readable(1.0 / 3.0) == "0.3333333333333333");
  // Outside the plain range it is format_double.
  CHECK(nhb2::format_readable(1e-7) == "1e-07");
  CHECK(nhb2::format_readable(1e20) == "1e+20");
  CHECK(nhb2::format_readable(std::numeric_limits<double>::quiet_NaN()) == "nan");
  for (const double value : {0.1, 123456.789, 99999999999999.9, 1e-4}) {
    CHECK(std::strtod(nhb2::format_readable(value).c_str(), nullptr) == value);
  }
}
