#pragma once
// Constructor-time checks of optimizer options (private to the algorithms library).
//
// Each throws ConfigError with a message that names the optimizer, the option, the value given
// and what is allowed, e.g. "bohb: eta 1 is not allowed; allowed: integer >= 2". Optimizers call
// them in their constructors, so the C++ API is as safe as the registry's parameter ranges.

#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>

#include <cmath>
#include <string>

namespace nhb2::option_checks {

inline std::string number_text(double value) {
  return format_double(value);
}

[[noreturn]] inline void refuse(const std::string& optimizer, const std::string& option,
                                const std::string& value, const std::string& allowed) {
  throw ConfigError(optimizer + ": " + option + " " + value +
                    " is not allowed; allowed: " + allowed);
}

inline void integer_at_least(const std::string& optimizer, const std::string& option,
                             long long value, long long min_value) {
  if (value < min_value) {
    refuse(optimizer, option, std::to_string(value), "integer >= " + std::to_string(min_value));
  }
}

inline void integer_in(const std::string& optimizer, const std::string& option, long long value,
                       long long min_value, long long max_value) {
  if (value < min_value || value > max_value) {
    refuse(optimizer, option, std::to_string(value),
           "integer in [" + std::to_string(min_value) + ", " + std::to_string(max_value) + "]");
  }
}

// A finite real in [min_value, max_value] (NaN is refused).
inline void real_in(const std::string& optimizer, const std::string& option, double value,
                    double min_value, double max_value) {
  if (!(value >= min_value && value <= max_value)) {
    refuse(optimizer, option, number_text(value),
           "real in [" + number_text(min_value) + ", " + number_text(max_value) + "]");
  }
}

// A finite real > 0.
inline void real_positive(const std::string& optimizer, const std::string& option, double value) {
  if (!(value > 0.0 && std::isfinite(value))) {
    refuse(optimizer, option, number_text(value), "finite real > 0");
  }
}

}  // namespace nhb2::option_checks
