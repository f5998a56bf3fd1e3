#pragma once
// The domain constants every layer shares. Error messages are built from these (for example
// "at most " + format_double(kMaxBudgetSeconds)), so changing a value here changes every check
// and every message that states it.

namespace nhb2 {

// Epochs of the recorded training runs: a fidelity (trial.epochs, iepoch) is 1 .. kMaxEpochs.
constexpr int kMaxEpochs = 12;
// The epoch of the surrogate column avg_acc_200; queries and reports use epoch kMaxEpochs or this.
constexpr int kSurrogateEpoch = 200;

// Limits shared by every entry point (CLI, YAML). A budget of 1e8 s is twice the cost of training
// every configuration of the table once, so nothing real is cut; beyond it a run can neither
// finish in reasonable time nor hold its log in memory.
constexpr double kMaxBudgetSeconds = 1e8;
constexpr int kMaxRuns = 1'000'000;
constexpr int kMaxJobs = 256;
// Simulated parallel workers per run (RunSpec::workers). Each worker is a few bytes of simulator
// state; beyond this the asks of one decision round dwarf any real cluster.
constexpr int kMaxWorkers = 1024;

}  // namespace nhb2
