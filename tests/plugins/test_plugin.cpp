// A plug-in for the tests (tests/plugin_test.cpp): two optimizers.
//   plugin_random   uniform samples at a chosen fidelity (a well-behaved optimizer)
//   plugin_faulty   a random search that throws a std::runtime_error in its 4th ask() (or, with
//                   throw_in=tell, its 4th tell()) of the run that is the process's
//                   (fail_on_run+1)-th reset() of a plugin_faulty, to test how a failing plug-in
//                   ends a run; with throw_in=create its factory throws std::invalid_argument.
// Built as a MODULE library against nhb2::core only, as an outside plug-in would be.

#include <nhb2/core/plugin.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>

namespace {

std::atomic<long long> faulty_resets{0};

class PluginRandom : public nhb2::Optimizer {
 public:
  PluginRandom(int epochs, long long fail_on_run, bool in_tell = false)
      : epochs_(epochs), fail_on_run_(fail_on_run), in_tell_(in_tell) {}

  void reset(const nhb2::SearchSpace& space, nhb2::Rng rng) override {
    fail_ = fail_on_run_ >= 0 && faulty_resets.fetch_add(1) == fail_on_run_;
    space_ = space;
    rng_ = rng;
    next_id_ = 0;
    tells_ = 0;
  }
  nhb2::Trial ask() override {
    if (fail_ && !in_tell_ && next_id_ == 3) {
      throw std::runtime_error("plugin_faulty fails on purpose in ask()");
    }
    return nhb2::Trial{space_.sample(rng_), epochs_, next_id_++};
  }
  void tell(const nhb2::Trial&, const nhb2::Observation&) override {
    if (fail_ && in_tell_ && ++tells_ == 4) {
      throw std::runtime_error("plugin_faulty fails on purpose in tell()");
    }
  }

 private:
  int epochs_;
  long long fail_on_run_;
  bool in_tell_;
  bool fail_ = false;
  int tells_ = 0;
  nhb2::SearchSpace space_;
  nhb2::Rng rng_;
  std::uint64_t next_id_ = 0;
};

}  // namespace

NHB2_PLUGIN(registry) {
  registry.add(nhb2::OptimizerInfo{
      "plugin_random",
      "uniform samples at a fixed fidelity (test plug-in)",
      {nhb2::ParamSpec::integer("epochs", 12, 1, 12, "training epochs of every trial")},
      [](const nhb2::ParamValues& values) {
        return std::make_unique<PluginRandom>(static_cast<int>(values.get_int("epochs")), -1);
      }});
  registry.add(nhb2::OptimizerInfo{
      "plugin_faulty",
      "random search that throws in one run (test plug-in)",
      {nhb2::ParamSpec::integer("fail_on_run", 2, 0, 1000000,
                                "the run (count of resets in this process) that throws"),
       nhb2::ParamSpec::choice("throw_in", "ask", {"ask", "tell", "create"},
                               "where it throws (create: the factory, always)")},
      [](const nhb2::ParamValues& values) {
        if (values.get_choice("throw_in") == "create") {
          throw std::invalid_argument("plugin_faulty refuses to be created");
        }
        return std::make_unique<PluginRandom>(12, values.get_int("fail_on_run"),
                                              values.get_choice("throw_in") == "tell");
      }});
}
