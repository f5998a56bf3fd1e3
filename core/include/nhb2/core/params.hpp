#pragma once
// Optimizer parameters, declared once.
//
// Each optimizer lists its parameters as ParamSpecs (name, type, default, allowed range, help).
// CLI `--param name=value`, YAML values, validation, `nhb2 list` and the docs are all derived
// from that list by resolve_params() and describe(). Values travel as text so that every
// boundary (CLI, YAML, resolved.yaml) uses the same parser.

#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nhb2 {

enum class ParamType { integer, real, boolean, choice };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::real;
  std::string default_value;
  double min_value = -std::numeric_limits<double>::infinity();  // inclusive, integer/real
  double max_value = std::numeric_limits<double>::infinity();   // inclusive, integer/real
  std::vector<std::string> choices;                             // choice only
  std::string help;

  static ParamSpec integer(std::string name, long long default_value, long long min_value,
                           long long max_value, std::string help);
  static ParamSpec real(std::string name, double default_value, double min_value, double max_value,
                        std::string help);
  static ParamSpec boolean(std::string name, bool default_value, std::string help);
  static ParamSpec choice(std::string name, std::string default_value,
                          std::vector<std::string> choices, std::string help);

  // "integer in [2, 10000]", "real in [0, 1]", "true or false", "one of: best, first".
  std::string allowed() const;
  const char* type_name() const;
};

using ParamAssignments = std::vector<std::pair<std::string, std::string>>;

// Parses "name=value". Throws ConfigError when there is no '='.
std::pair<std::string, std::string> parse_assignment(const std::string& text);

// Validated values, one per declared parameter (defaults filled in), in declaration order.
class ParamValues {
 public:
  long long get_int(const std::string& name) const;
  double get_real(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::string& get_choice(const std::string& name) const;
  // Canonical text of every value, in declaration order (for resolved configs and headers).
  const ParamAssignments& items() const { return items_; }

 private:
  friend ParamValues resolve_params(const std::string&, const std::vector<ParamSpec>&,
                                    const ParamAssignments&);
  const std::string& text(const std::string& name) const;
  ParamAssignments items_;
  std::map<std::string, double> numbers_;
};

// Checks every given assignment against specs and fills defaults. Throws ConfigError naming the
// optimizer, the parameter, the value and the allowed range; an unknown name gets the list of
// known ones and a "did you mean".
ParamValues resolve_params(const std::string& owner, const std::vector<ParamSpec>& specs,
                           const ParamAssignments& given);

}  // namespace nhb2
