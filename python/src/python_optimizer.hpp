#pragma once
// A Python object as an nhb2 optimizer: the adapter the driver calls like any built-in.
//
// The object needs reset(space, rng), ask() and tell(trial, observation), and may have
// finished(). The adapter holds the GIL only while it calls into Python, so the driver's own work
// runs without it and several runs (sweep jobs) can interleave.
//
// reset: the adapter takes the first 64-bit output of the optimizer stream the driver hands it
//   (mt19937_64 seeded with stream_seed(run_seed, optimizer)) as the run's Python seed and passes
//   numpy.random.default_rng(seed) as `rng`; same run seed → same Python seed → the same run.
// ask: a Trial, a Config, an int config index, a (cellcode, lr, batch_size) tuple, or a pair
//   (any of those configs, epochs). The adapter numbers the trials itself and gives tell() back
//   the very object ask() returned.
// Errors: a Python exception, or an answer of the wrong shape, becomes nhb2::Error naming the
//   method, the exception type and its message; the driver adds the optimizer and the run.

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace nhb2::python {

// A Python object that may be released from any thread: the GIL is taken to drop it.
class SharedObject {
 public:
  explicit SharedObject(pybind11::object object) : object_(std::move(object)) {}
  ~SharedObject();
  SharedObject(const SharedObject&) = delete;
  SharedObject& operator=(const SharedObject&) = delete;
  const pybind11::object& get() const { return object_; }

 private:
  pybind11::object object_;
};

// Converts a Python config (Config, int index, (cellcode, lr, batch_size)) or throws nhb2::Error
// (InvalidArgument for values off the grid). Caller holds the GIL.
Config config_from_python(const pybind11::handle& value);

class PythonOptimizer : public Optimizer {
 public:
  explicit PythonOptimizer(pybind11::object object);
  ~PythonOptimizer() override;

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;
  bool finished() const override;

 private:
  pybind11::object object_;
  std::unordered_map<std::uint64_t, pybind11::object> pending_;
  std::uint64_t next_id_ = 0;
  bool has_finished_ = false;
};

// The Python seed of a run: the first output of the optimizer stream it is handed.
std::uint64_t python_seed(Rng& rng);

// The parameters a Python optimizer class declares in its attribute `nhb2_params`: a list of
// dicts {name, type: integer|real|boolean|choice, default, min, max (integer/real), choices
// (choice), help}. Throws ConfigError naming the class and the malformed entry.
std::vector<ParamSpec> python_param_specs(const std::string& name, const pybind11::handle& specs);

// A registry entry for `factory`, called once per run with the resolved parameters as keyword
// arguments (typed: int, float, bool or str) to make the optimizer object.
OptimizerInfo python_optimizer_info(const std::string& name, pybind11::object factory,
                                    std::vector<ParamSpec> params, const std::string& summary);

}  // namespace nhb2::python
