#include <nhb2/core/format.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace nhb2 {

void append_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "nan";
  } else if (std::isinf(value)) {
    out += value > 0 ? "inf" : "-inf";
  } else {
    char buffer[32];  // the longest shortest form, "-2.2250738585072014e-308", has 24 characters
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
  }
}

std::string format_double(double value) {
  std::string text;
  append_double(text, value);
  return text;
}

std::string format_fixed(double value, int decimals) {
  // Holds any double with up to 64 decimals ("%.64f" of -DBL_MAX: 375 characters); snprintf cuts
  // anything longer, it never overflows.
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string format_readable(double value) {
  const double magnitude = std::fabs(value);
  if (!std::isfinite(value) || (value != 0.0 && (magnitude < 1e-4 || magnitude >= 1e15))) {
    return format_double(value);
  }
  char buffer[64];  // |v| < 1e15 has at most 15 digits before the point, 17 significant in all
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return std::string(buffer, result.ptr);
}

std::string to_hex(std::uint64_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) text[i] = kDigits[value & 0xf];
  return text;
}

}  // namespace nhb2
