#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/objectives.hpp>

#include <algorithm>

namespace nhb2 {

namespace {
const char* const kAllowedNames = "valid_acc, cost, params, flops";

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}
}  // namespace

const char* objective_name(ObjectiveKind objective) {
  switch (objective) {
    case ObjectiveKind::valid_acc:
      return "valid_acc";
    case ObjectiveKind::cost:
      return "cost";
    case ObjectiveKind::params:
      return "params";
    case ObjectiveKind::flops:
      return "flops";
  }
  return "?";
}

ObjectiveKind parse_objective(const std::string& text) {
  for (ObjectiveKind objective : {ObjectiveKind::valid_acc, ObjectiveKind::cost,
                                  ObjectiveKind::params, ObjectiveKind::flops}) {
    if (text == objective_name(objective)) return objective;
  }
  throw InvalidArgument("objective '" + text + "' is unknown; allowed: " + kAllowedNames);
}

const char* objective_unit(ObjectiveKind objective) {
  switch (objective) {
    case ObjectiveKind::valid_acc:
      return "%";
    case ObjectiveKind::cost:
      return "s";
    case ObjectiveKind::params:
      return "parameters";
    case ObjectiveKind::flops:
      return "MFLOPs";
  }
  return "?";
}

double default_reference(ObjectiveKind minimised) {
  switch (minimised) {
    case ObjectiveKind::valid_acc:
      return kReferenceAccuracy;
    case ObjectiveKind::cost:
      return kReferenceCostSeconds;
    case ObjectiveKind::params:
      return kReferenceParams;
    case ObjectiveKind::flops:
      return kReferenceFlopsMillions;
  }
  return 0.0;
}

std::string ObjectivePair::text() const {
  return std::string("valid_acc,") + objective_name(minimised);
}

ObjectivePair make_objective_pair(const std::vector<std::string>& names, const std::string& key) {
  const std::string allowed =
      "; allowed: two objectives, valid_acc and one of cost, params, flops (e.g. valid_acc,cost)";
  if (names.size() != 2) {
    std::string given;
    for (std::size_t i = 0; i < names.size(); ++i) given += (i ? "," : "") + names[i];
    throw InvalidArgument(key + ": " + std::to_string(names.size()) + " objective" +
                          (names.size() == 1 ? "" : "s") + " given ('" + given + "')" + allowed);
  }
  std::vector<ObjectiveKind> parsed;
  for (const std::string& name : names) {
    try {
      parsed.push_back(parse_objective(name));
    } catch (const InvalidArgument&) {
      throw InvalidArgument(key + ": objective '" + name +
                            "' is unknown; allowed: " + kAllowedNames);
    }
  }
  if (parsed[0] == parsed[1]) {
    throw InvalidArgument(key + ": objective '" + names[0] + "' is given twice" + allowed);
  }
  const auto accuracy = std::find(parsed.begin(), parsed.end(), ObjectiveKind::valid_acc);
  if (accuracy == parsed.end()) {
    throw InvalidArgument(key + ": '" + names[0] + "," + names[1] + "' lacks valid_acc" + allowed);
  }
  ObjectivePair pair;
  pair.minimised = parsed[accuracy == parsed.begin() ? 1 : 0];
  pair.reference_value = default_reference(pair.minimised);
  return pair;
}

ObjectivePair parse_objective_pair(const std::string& text, const std::string& key) {
  std::vector<std::string> names;
  std::string::size_type start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    names.push_back(
        trimmed(text.substr(start, comma == std::string::npos ? comma : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (names.size() == 1 && names[0].empty()) names.clear();
  return make_objective_pair(names, key);
}

}  // namespace nhb2
