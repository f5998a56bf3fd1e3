#pragma once
// The one exception family of nhb2. Every bad input (a cellcode, a value off the grid, a malformed
// config, a corrupt data file) is reported by throwing one of these with a message that names the
// bad value and what is allowed. The CLI catches nhb2::Error once, prints its message and exits 2.

#include <stdexcept>
#include <string>

namespace nhb2 {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A value given by the user (CLI flag, API argument) is outside the search space or the allowed
// set.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// A data file (pickle, .nhb2, CSV) is missing, unreadable, truncated, corrupt or hostile.
class DataError : public Error {
 public:
  using Error::Error;
};

// An experiment config (YAML, optimizer parameters) is malformed or names unknown things.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// An optimizer plug-in is missing, is not a plug-in, was built against another nhb2, defines an
// optimizer name that is taken, or failed while registering.
class PluginError : public Error {
 public:
  using Error::Error;
};

}  // namespace nhb2
