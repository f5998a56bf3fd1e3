#pragma once
// Number formatting shared by every output: files, reports, messages.
//
// - format_double(v): the shortest text that reads back (strtod, std::from_chars) to exactly v, as
//   std::to_chars writes it: "0.1", "20000", "1e+08", "-0". Non-finite values, which to_chars
//   leaves to the caller, are "nan" (any NaN, sign and payload dropped), "inf" and "-inf", the
//   spellings strtod and Python's float() accept back.
// - append_double(out, v): the same text appended to `out`, without a temporary string (for
//   writers of many numbers).
// - format_fixed(v, decimals): printf "%.*f": exactly `decimals` digits after the point, for
//   tables meant to be read by people.
// - format_readable(v): for messages, a number as a person writes it: plain decimal notation
//   ("100000000", "0.001", "2.5") for 0 and 1e-4 <= |v| < 1e15, the shortest form it stands for;
//   format_double(v) otherwise ("1e-07", "1e+20", "nan"). Never for files: it is not the one
//   round-trip spelling the outputs use.
// - to_hex(v): 16 lowercase hex digits, zero-padded (checksums and hash texts).

#include <cstdint>
#include <string>

namespace nhb2 {

std::string format_double(double value);
void append_double(std::string& out, double value);
std::string format_fixed(double value, int decimals);
std::string format_readable(double value);
std::string to_hex(std::uint64_t value);

}  // namespace nhb2
