#pragma once
// Objectives of a multi-objective run: validation accuracy (maximised) against one minimised
// objective of the configuration.
//
//   valid_acc  12-epoch validation accuracy, %                              maximised
//   cost       12-epoch train+valid time (total_trainval_time), seconds     minimised
//   params     trainable parameters of the trained network (model_size)     minimised
//   flops      multiply-accumulates for one 32x32 image, millions           minimised
//
// An objective pair is valid_acc and one of the other three, in either order. Hypervolumes are
// taken in the box between the ideal corner (100 %, 0) and a fixed reference point per pair,
// (0 %, kReference...) below, and reported normalised by the box's area (so in [0, 1]).

#include <string>
#include <vector>

namespace nhb2 {

enum class ObjectiveKind { valid_acc = 0, cost = 1, params = 2, flops = 3 };

// "valid_acc", "cost", "params", "flops".
const char* objective_name(ObjectiveKind objective);
// Throws InvalidArgument naming the text and the allowed names.
ObjectiveKind parse_objective(const std::string& text);
// Units for people: "%", "s", "parameters", "MFLOPs".
const char* objective_unit(ObjectiveKind objective);

// Fixed reference values of the minimised objectives (the accuracy reference is 0 %): above
// every configuration of NAS-HPO-Bench-II's space (params <= 1,531,850, FLOPs <= 220.2 M) and
// above every 12-epoch train+valid time of the synthetic table and the official data.
constexpr double kReferenceAccuracy = 0.0;
constexpr double kReferenceCostSeconds = 4000.0;
constexpr double kReferenceParams = 2.0e6;
constexpr double kReferenceFlopsMillions = 250.0;
double default_reference(ObjectiveKind minimised);

// The pair of a multi-objective run: accuracy against `minimised`, with the reference point.
struct ObjectivePair {
  ObjectiveKind minimised = ObjectiveKind::cost;
  double reference_accuracy = kReferenceAccuracy;  // %
  double reference_value = kReferenceCostSeconds;  // in minimised's unit
  std::string text() const;                        // "valid_acc,cost"
};

// Parses "valid_acc,cost" (or "cost,valid_acc", spaces allowed around names), filling the
// default reference. `key` names the option or YAML key in errors. Throws InvalidArgument naming
// the key and what is allowed for: an unknown name, the same objective twice, one objective or
// more than two, a pair without valid_acc.
ObjectivePair parse_objective_pair(const std::string& text, const std::string& key);
// The same from a list of names.
ObjectivePair make_objective_pair(const std::vector<std::string>& names, const std::string& key);

}  // namespace nhb2
