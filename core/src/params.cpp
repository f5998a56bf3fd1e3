#include <nhb2/core/params.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/suggest.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nhb2 {

namespace {

bool parse_real(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0 && std::isfinite(value);
}

bool parse_integer(const std::string& text, long long& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtoll(text.c_str(), &end, 10);
  return end == text.c_str() + text.size() && errno == 0;
}

}  // namespace

ParamSpec ParamSpec::integer(std::string name, long long default_value, long long min_value,
                             long long max_value, std::string help) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = ParamType::integer;
  spec.default_value = std::to_string(default_value);
  spec.min_value = static_cast<double>(min_value);
  spec.max_value = static_cast<double>(max_value);
  spec.help = std::move(help);
  return spec;
}

ParamSpec ParamSpec::real(std::string name, double default_value, double min_value,
                          double max_value, std::string help) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = ParamType::real;
  spec.default_value = format_double(default_value);
  spec.min_value = min_value;
  spec.max_value = max_value;
  spec.help = std::move(help);
  return spec;
}

ParamSpec ParamSpec::boolean(std::string name, bool default_value, std::string help) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = ParamType::boolean;
  spec.default_value = default_value ? "true" : "false";
  spec.help = std::move(help);
  return spec;
}

ParamSpec ParamSpec::choice(std::string name, std::string default_value,
                            std::vector<std::string> choices, std::string help) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = ParamType::choice;
  spec.default_value = std::move(default_value);
  spec.choices = std::move(choices);
  spec.help = std::move(help);
  return spec;
}

const char* ParamSpec::type_name() const {
  switch (type) {
    case ParamType::integer:
      return "integer";
    case ParamType::real:
      return "real";
    case ParamType::boolean:
      return "boolean";
    case ParamType::choice:
      return "choice";
  }
  return "?";
}

std::string ParamSpec::allowed() const {
  switch (type) {
    case ParamType::integer:
      // Integer bounds are whole numbers well inside ±2^53: print them as integers ("100000").
      return std::string(type_name()) + " in [" +
             std::to_string(static_cast<long long>(min_value)) + ", " +
             std::to_string(static_cast<long long>(max_value)) + "]";
    case ParamType::real:
      return std::string(type_name()) + " in [" + format_readable(min_value) + ", " +
             format_readable(max_value) + "]";
    case ParamType::boolean:
      return "true or false";
    case ParamType::choice:
      return "one of: " + join(choices);
  }
  return "";
}

std::pair<std::string, std::string> parse_assignment(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError("parameter '" + text + "' must be written name=value");
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

long long ParamValues::get_int(const std::string& name) const {
  return static_cast<long long>(numbers_.at(name));
}
double ParamValues::get_real(const std::string& name) const {
  return numbers_.at(name);
}
bool ParamValues::get_bool(const std::string& name) const {
  return numbers_.at(name) != 0.0;
}
const std::string& ParamValues::get_choice(const std::string& name) const {
  return text(name);
}

const std::string& ParamValues::text(const std::string& name) const {
  for (const auto& item : items_) {
    if (item.first == name) return item.second;
  }
  throw std::out_of_range("no parameter " + name);
}

ParamValues resolve_params(const std::string& owner, const std::vector<ParamSpec>& specs,
                           const ParamAssignments& given) {
  std::vector<std::string> names;
  for (const auto& spec : specs) names.push_back(spec.name);
  std::map<std::string, std::string> assigned;
  for (const auto& [name, value] : given) {
    bool known = false;
    for (const auto& spec : specs) known = known || spec.name == name;
    if (!known) {
      throw ConfigError(owner + " has no parameter '" + name + "'" + did_you_mean(name, names) +
                        "; its parameters: " + (names.empty() ? "(none)" : join(names)));
    }
    if (assigned.count(name)) {
      throw ConfigError(owner + ": parameter '" + name + "' is given twice");
    }
    assigned[name] = value;
  }

  ParamValues values;
  for (const auto& spec : specs) {
    const auto it = assigned.find(spec.name);
    const std::string text = it == assigned.end() ? spec.default_value : it->second;
    const std::string where = owner + ": parameter '" + spec.name + "' = '" + text + "'";
    std::string canonical = text;
    double number = 0.0;
    switch (spec.type) {
      case ParamType::integer: {
        long long integer = 0;
        if (!parse_integer(text, integer)) {
          throw ConfigError(where + " is not an integer; allowed: " + spec.allowed());
        }
        number = static_cast<double>(integer);
        canonical = std::to_string(integer);
        break;
      }
      case ParamType::real:
        if (!parse_real(text, number)) {
          throw ConfigError(where + " is not a number; allowed: " + spec.allowed());
        }
        canonical = format_double(number);
        break;
      case ParamType::boolean:
        if (text == "true" || text == "1" || text == "yes") {
          number = 1.0;
          canonical = "true";
        } else if (text == "false" || text == "0" || text == "no") {
          canonical = "false";
        } else {
          throw ConfigError(where + " is not a boolean; allowed: " + spec.allowed());
        }
        break;
      case ParamType::choice: {
        bool found = false;
        for (const auto& choice : spec.choices) found = found || choice == text;
        if (!found) {
          throw ConfigError(where + " is not allowed" + did_you_mean(text, spec.choices) +
                            "; allowed: " + spec.allowed());
        }
        break;
      }
    }
    if ((spec.type == ParamType::integer || spec.type == ParamType::real) &&
        (number < spec.min_value || number > spec.max_value)) {
      throw ConfigError(where + " is out of range; allowed: " + spec.allowed());
    }
    values.items_.emplace_back(spec.name, canonical);
    values.numbers_[spec.name] = number;
  }
  return values;
}

}  // namespace nhb2
