// nhb2._core: the C++ side of the Python package (pybind11). The Python part in python/nhb2/
// re-exports these names and adds the sweep front end and the Python optimizer helpers.

#include "python_optimizer.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/official_export.hpp>
#include <nhb2/benchmark_api/official_import.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/benchmark_api/synthetic_cache.hpp>
#include <nhb2/benchmark_api/table.hpp>
#include <nhb2/core/canonical.hpp>
#include <nhb2/core/cell.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/model_size.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/core/plugin.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>
#include <nhb2/core/version.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/sweep_config.hpp>
#include <nhb2/experiments/sweep_runner.hpp>

#include <pybind11/numpy.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <future>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;

namespace nhb2::python {

namespace {

constexpr const char* kDataHelp =
    "None (the built-in synthetic benchmark) or the path of a .nhb2 file";

// The Python exception classes; set once at import.
PyObject* error_class = nullptr;
PyObject* invalid_argument_class = nullptr;
PyObject* data_error_class = nullptr;
PyObject* config_error_class = nullptr;
PyObject* plugin_error_class = nullptr;

PyObject* make_exception(py::module_& m, const char* name, PyObject* base, PyObject* second,
                         const char* doc) {
  const std::string qualified = std::string("nhb2.") + name;
  PyObject* bases = second ? PyTuple_Pack(2, base, second) : PyTuple_Pack(1, base);
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  Py_DECREF(bases);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

Mode mode_of(const std::string& mode) {
  return parse_mode(mode);
}

// QueryOptions from the Python keywords, checked as the CLI checks them.
QueryOptions query_options(int epoch, const std::string& mode, std::optional<int> iepoch,
                           std::optional<int> seed) {
  QueryOptions options;
  options.epoch = epoch;
  options.mode = mode_of(mode);
  if (iepoch) {
    if (*iepoch == 0) {
      throw InvalidArgument("iepoch 0 is out of range; allowed: 1.." + std::to_string(kMaxEpochs));
    }
    if (epoch == kMaxEpochs && *iepoch == kMaxEpochs) {
      options.iepoch = 0;
    } else {
      options.iepoch = *iepoch;
    }
  }
  if (seed) {
    if (*seed == 0) throw InvalidArgument("seed 0 is not a recorded seed");
    options.seed = *seed;
  }
  return options;
}

py::object cost_object(const QueryResult& result) {
  if (result.cost) return py::float_(*result.cost);
  return py::none();
}

// The benchmark the Python `data` argument names.
Benchmark open_benchmark(const py::object& data, std::uint64_t synthetic_seed) {
  if (data.is_none()) {
    py::gil_scoped_release release;
    return Benchmark::synthetic(synthetic_seed);
  }
  if (!py::isinstance<py::str>(data) && !py::hasattr(data, "__fspath__")) {
    throw py::type_error("data must be " + std::string(kDataHelp) + ", got " +
                         py::repr(data).cast<std::string>());
  }
  const std::string path = py::str(py::module_::import("os").attr("fspath")(data));
  py::gil_scoped_release release;
  return Benchmark::open(path);
}

// A Benchmark plus a session for the unlogged look-ups (policy fixed, pure).
struct PyBenchmark {
  PyBenchmark(const py::object& data, std::uint64_t synthetic_seed)
      : benchmark(open_benchmark(data, synthetic_seed)),
        lookup(benchmark),
        path(data.is_none() ? "" : py::str(py::module_::import("os").attr("fspath")(data))) {}
  explicit PyBenchmark(Benchmark opened) : benchmark(std::move(opened)), lookup(benchmark) {}
  Benchmark benchmark;
  Session lookup;
  std::string path;
};

Config config_arg(const py::handle& value) {
  return config_from_python(value);
}

py::dict query_many(const PyBenchmark& self, const py::object& index_object, int epoch,
                    const std::string& mode_text, std::optional<int> iepoch,
                    std::optional<int> seed) {
  const QueryOptions options = query_options(epoch, mode_text, iepoch, seed);
  // One scalar check of everything but the configs (through the session's own validation).
  Session check_session(self.benchmark);
  check_session.evaluate(Config::from_index(0), options);
  if (py::isinstance<py::str>(index_object) || py::isinstance<py::bytes>(index_object)) {
    throw py::type_error("indices must be an array of integer config indices, got a string");
  }
  const py::array indices = py::array::ensure(index_object);
  if (!indices) {
    PyErr_Clear();
    throw py::type_error("indices must be an array of integer config indices");
  }
  const char kind = indices.dtype().kind();
  if (kind != 'i' && kind != 'u') {
    throw py::type_error("indices must be an array of integer config indices, got dtype " +
                         py::str(indices.dtype()).cast<std::string>());
  }
  const auto ids =
      py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(indices);
  if (!ids) throw py::type_error("indices must be an array of integer config indices");
  const std::size_t n = static_cast<std::size_t>(ids.size());
  py::array_t<double> accuracy(static_cast<py::ssize_t>(n));
  py::array_t<double> cost(static_cast<py::ssize_t>(n));
  const std::int64_t* in = ids.data();
  double* acc_out = accuracy.mutable_data();
  double* cost_out = cost.mutable_data();
  const Benchmark& benchmark = self.benchmark;
  const int seed_index =
      benchmark.seed_index(options.seed != 0 ? options.seed : self.lookup.seed());
  const int iepoch_value = options.iepoch == 0 ? kMaxEpochs : options.iepoch;
  const Mode mode = options.mode;
  const Table& table = benchmark.table();
  const auto& class_of_cell = table.class_of_cell();
  const int num_seeds = table.num_seeds();
  // The look-ups of Benchmark::accuracy/avg_acc_200/cost (benchmark.hpp), row by row straight
  // from the columns, with the rows a few elements ahead prefetched: random indices are bound by
  // memory latency. Costs below 12 epochs (a sum over epochs) go through Benchmark::cost.
  const char* acc_names[3] = {columns::kTrainAcc, columns::kValidAcc, columns::kTestAcc};
  const double* acc_column = table.at(acc_names[static_cast<int>(mode)]).values.data();
  const double* avg_column = table.at(columns::kAvgAcc200).values.data();
  const double* total_column =
      table.at(mode == Mode::train ? columns::kTotalTrainTime : columns::kTotalTrainvalTime)
          .values.data();
  const double* test_column = table.at(columns::kTotalTestTime).values.data();
  const auto run_row = [&](std::int64_t index) {
    const int cls = class_of_cell[static_cast<std::size_t>(index / kNumHyperparameterPairs)];
    const int hp = static_cast<int>(index % kNumHyperparameterPairs);
    return (static_cast<std::size_t>(cls) * kNumHyperparameterPairs + hp) * num_seeds + seed_index;
  };
  constexpr std::size_t kAhead = 16;
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < n; ++i) {
      if (in[i] < 0 || in[i] >= kNumConfigs) {
        throw InvalidArgument("indices[" + std::to_string(i) + "] = " + std::to_string(in[i]) +
                              " is out of range; allowed: 0.." + std::to_string(kNumConfigs - 1));
      }
    }
    if (options.epoch == kSurrogateEpoch) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t index = in[i];
        const int cls = class_of_cell[static_cast<std::size_t>(index / kNumHyperparameterPairs)];
        acc_out[i] = avg_column[static_cast<std::size_t>(cls) * kNumHyperparameterPairs +
                                static_cast<std::size_t>(index % kNumHyperparameterPairs)];
        cost_out[i] = std::numeric_limits<double>::quiet_NaN();
      }
    } else {
      const bool full = iepoch_value == kMaxEpochs;
      for (std::size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) {
          const std::size_t ahead = run_row(in[i + kAhead]);
          __builtin_prefetch(acc_column + ahead * kEpochsPerRun + iepoch_value - 1);
          __builtin_prefetch(total_column + ahead);
          if (mode == Mode::test) __builtin_prefetch(test_column + ahead);
        }
        const std::size_t run = run_row(in[i]);
        acc_out[i] = acc_column[run * kEpochsPerRun + iepoch_value - 1];
        if (!full) {
          cost_out[i] = benchmark.cost(Config::from_index(static_cast<int>(in[i])), mode,
                                       iepoch_value, seed_index);
        } else if (mode == Mode::test) {
          cost_out[i] = total_column[run] + test_column[run];
        } else {
          cost_out[i] = total_column[run];
        }
      }
    }
  }
  py::dict out;
  out["accuracy"] = accuracy;
  out["cost"] = cost;
  return out;
}

py::dict config_dict(const Config& config) {
  py::dict d;
  d["cellcode"] = format_cellcode(config.cell());
  d["lr"] = config.lr();
  d["batch_size"] = config.batch_size();
  d["config_index"] = config.index();
  return d;
}

py::dict info_dict(const PyBenchmark& self) {
  const Benchmark& benchmark = self.benchmark;
  const Table& table = benchmark.table();
  py::dict d;
  d["source"] = benchmark.source().kind;
  d["description"] = benchmark.source().description;
  d["file"] = self.path.empty() ? py::object(py::none()) : py::object(py::str(self.path));
  d["checksum"] = benchmark.checksum();
  d["num_cellcodes"] = kNumCells;
  d["num_classes"] = table.num_classes();
  d["learning_rates"] = std::vector<double>(kLearningRates.begin(), kLearningRates.end());
  d["batch_sizes"] = std::vector<int>(kBatchSizes.begin(), kBatchSizes.end());
  d["num_configs"] = kNumConfigs;
  d["seeds"] = benchmark.seeds();
  d["epochs_per_run"] = kMaxEpochs;
  d["surrogate_epochs"] = kSurrogateEpoch;
  py::list columns;
  for (const Column& column : table.columns()) columns.append(column.name);
  d["columns"] = columns;
  return d;
}

py::list params_list(const OptimizerInfo& info) {
  py::list params;
  for (const ParamSpec& spec : info.params) {
    py::dict p;
    p["name"] = spec.name;
    p["type"] = spec.type_name();
    p["default"] = spec.default_value;
    p["allowed"] = spec.allowed();
    p["min"] = spec.type == ParamType::integer || spec.type == ParamType::real
                   ? py::object(py::float_(spec.min_value))
                   : py::object(py::none());
    p["max"] = spec.type == ParamType::integer || spec.type == ParamType::real
                   ? py::object(py::float_(spec.max_value))
                   : py::object(py::none());
    p["choices"] = spec.choices;
    p["help"] = spec.help;
    params.append(p);
  }
  return params;
}

// Parameters from a Python dict: values become the text every other boundary parses.
ParamAssignments assignments(const py::object& params) {
  ParamAssignments out;
  if (params.is_none()) return out;
  if (!py::isinstance<py::dict>(params)) {
    throw py::type_error("params must be a dict {name: value}, got " +
                         py::repr(params).cast<std::string>());
  }
  for (const auto item : py::reinterpret_borrow<py::dict>(params)) {
    const std::string name = py::str(item.first);
    std::string text;
    if (py::isinstance<py::bool_>(item.second)) {
      text = item.second.cast<bool>() ? "true" : "false";
    } else if (py::isinstance<py::float_>(item.second)) {
      text = format_double(item.second.cast<double>());
    } else {
      text = py::str(item.second);
    }
    out.emplace_back(name, text);
  }
  return out;
}

void check_budget(double budget) {
  if (!(budget > 0.0) || budget > kMaxBudgetSeconds) {
    throw InvalidArgument("budget " + format_double(budget) +
                          " must be a positive number of seconds, at most " +
                          format_readable(kMaxBudgetSeconds));
  }
}

// python_optimizers: {name: factory}; each becomes a registry entry (origin "python").
Registry registry_with(const py::dict& python_optimizers) {
  Registry registry = builtin_optimizers();
  for (const auto item : python_optimizers) {
    const std::string name = py::str(item.first);
    // (factory, the class's nhb2_params or None)
    const py::tuple entry = py::reinterpret_borrow<py::tuple>(item.second);
    const py::object factory = entry[0];
    const std::string origin = name.rfind("python:", 0) == 0 ? name : "python:" + name;
    registry.add(python_optimizer_info(name, factory, python_param_specs(name, entry[1]),
                                       "Python optimizer " + name),
                 origin);
  }
  return registry;
}

py::list run_runs(const PyBenchmark& self, const std::string& name, const py::dict& python,
                  const py::object& params, double budget, int runs, std::uint64_t seed,
                  const std::string& seed_policy, int workers, const std::string& objectives) {
  check_budget(budget);
  if (runs <= 0 || runs > kMaxRuns) {
    throw InvalidArgument("runs " + std::to_string(runs) + " must be in [1, " +
                          std::to_string(kMaxRuns) + "]");
  }
  if (workers < 1 || workers > kMaxWorkers) {
    throw InvalidArgument("workers " + std::to_string(workers) + " must be in [1, " +
                          std::to_string(kMaxWorkers) + "]");
  }
  const Registry registry = registry_with(python);
  const ParamAssignments given = assignments(params);
  // As `nhb2 run`: the name and the parameters are valid before anything runs (for a Python
  // optimizer, without making one).
  if (python.empty()) {
    registry.create(name, given);
  } else {
    resolve_params("optimizer '" + name + "'", registry.find(name).params, given);
  }
  RunSpec spec;
  spec.budget_seconds = budget;
  spec.workers = workers;
  spec.budget_kind = default_budget_kind(workers);
  spec.seed_policy = parse_seed_policy(seed_policy);
  // As `nhb2 run --objectives`: "" leaves the driver's default (valid_acc against cost).
  if (!objectives.empty()) spec.objectives = parse_objective_pair(objectives, "objectives");
  py::list out;
  for (int run = 0; run < runs; ++run) {
    spec.run_seed = run_seed(seed, static_cast<std::uint64_t>(run));
    std::optional<RunOutcome> outcome;
    {
      py::gil_scoped_release release;
      outcome.emplace(
          run_registered(self.benchmark, registry, name, given, SearchSpace(), spec, run));
    }
    const Session& session = outcome->session;
    py::dict d;
    d["run"] = run;
    d["run_seed"] = spec.run_seed;
    d["best_key"] = config_dict(*session.best_key());
    d["best_valid_acc"] = session.best_acc();
    d["trials"] = session.num_queries();
    d["total_cost"] = session.total_cost();
    d["wallclock"] = session.log().back().wallclock;
    d["test_acc_12"] = outcome->results.final_accs[0];
    d["test_acc_200"] = outcome->results.final_accs[1];
    d["stop_reason"] = stop_reason_name(outcome->stop_reason);
    out.append(d);
  }
  return out;
}

py::dict run_sweep_text(const std::string& yaml_text, const std::string& label,
                        const py::dict& python, const py::object& out, int jobs, bool resume,
                        bool plots) {
  const Registry base = registry_with(python);
  const Registry registry = parse_sweep_plugins(yaml_text, label, base);
  SweepConfig config = parse_sweep_config(yaml_text, label, registry);
  if (!out.is_none()) {
    config.output = py::str(py::module_::import("os").attr("fspath")(out));
    if (config.output.empty()) throw InvalidArgument("out needs a folder name");
    config.output_location = "out";
  }
  if (jobs < 0 || jobs > kMaxJobs) {
    throw InvalidArgument("jobs " + std::to_string(jobs) + " must be in [1, " +
                          std::to_string(kMaxJobs) + "] (or 0: every core)");
  }
  SweepRunOptions options;
  options.jobs = jobs;
  options.resume = resume;
  options.nhb2_version = kVersion;
  options.report.plots = plots;
  // The sweep runs on its own thread while this (Python's main) thread checks for signals every
  // 100 ms: Ctrl-C stops the starting of new runs, the runs in flight finish and are
  // checkpointed (as `nhb2 sweep` does), then the KeyboardInterrupt is raised here.
  std::atomic<bool> stop{false};
  options.stop = &stop;
  std::optional<py::error_already_set> interrupt;
  std::future<SweepOutcome> result;
  {
    py::gil_scoped_release release;
    const Benchmark benchmark = load_sweep_benchmark(config.data);
    result = std::async(std::launch::async,
                        [&] { return nhb2::run_sweep(config, benchmark, registry, options); });
    while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      if (interrupt) continue;
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() != 0) {
        interrupt.emplace();  // fetches the pending exception
        stop = true;
      }
    }
  }
  const SweepOutcome outcome = result.get();  // rethrows a run's error
  if (interrupt) {
    interrupt->restore();
    throw py::error_already_set();
  }
  py::dict d;
  d["output"] = config.output;
  d["complete"] = outcome.complete;
  d["runs_total"] = outcome.runs_total;
  d["runs_done"] = outcome.runs_done;
  d["runs_resumed"] = outcome.runs_resumed;
  d["plot_warning"] = outcome.plot_warning;
  py::list labels;
  for (const SweepOptimizer& o : config.optimizers) labels.append(o.label);
  d["labels"] = labels;
  return d;
}

}  // namespace

void bind_all(py::module_& m) {
  m.doc() = "nhb2 core bindings (C++). Use the nhb2 package, not this module.";
  m.attr("__version__") = kVersion;

  PyObject* base = make_exception(m, "Error", PyExc_Exception, nullptr,
                                  "Every error nhb2 reports; the message names the bad value and "
                                  "what is allowed.");
  error_class = base;
  invalid_argument_class =
      make_exception(m, "InvalidArgument", base, PyExc_ValueError,
                     "A value outside the search space or the allowed set (also a ValueError).");
  config_error_class =
      make_exception(m, "ConfigError", base, PyExc_ValueError,
                     "A malformed experiment config, or an unknown optimizer or parameter.");
  data_error_class = make_exception(m, "DataError", base, nullptr,
                                    "A data file that is missing, unreadable, corrupt or hostile.");
  plugin_error_class =
      make_exception(m, "PluginError", base, nullptr, "An optimizer plug-in that cannot be used.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InvalidArgument& e) {
      PyErr_SetString(invalid_argument_class, e.what());
    } catch (const ConfigError& e) {
      PyErr_SetString(config_error_class, e.what());
    } catch (const DataError& e) {
      PyErr_SetString(data_error_class, e.what());
    } catch (const PluginError& e) {
      PyErr_SetString(plugin_error_class, e.what());
    } catch (const Error& e) {
      PyErr_SetString(error_class, e.what());
    }
  });

  // --- Config --------------------------------------------------------------------------------
  py::class_<Config>(m, "Config",
                     "A configuration: a cellcode plus learning rate and batch size.\n\n"
                     "Config('0|10|210', 0.1, 256); Config.from_index(i). Immutable, hashable.")
      .def(py::init([](const std::string& cellcode, double lr, long long batch_size) {
             return Config::make(parse_cellcode(cellcode), lr_index_of(lr),
                                 batch_size_index_of(batch_size));
           }),
           py::arg("cellcode"), py::arg("lr"), py::arg("batch_size"))
      .def_static(
          "from_index",
          [](long long index) {
            if (index < 0 || index >= kNumConfigs) {
              throw InvalidArgument("config index " + std::to_string(index) +
                                    " is out of range; allowed: 0.." +
                                    std::to_string(kNumConfigs - 1));
            }
            return Config::from_index(static_cast<int>(index));
          },
          py::arg("index"), "The config with this index (cell × 48 + lr_index × 6 + bs_index).")
      .def_property_readonly("cellcode", [](const Config& c) { return format_cellcode(c.cell()); })
      .def_property_readonly("lr", &Config::lr)
      .def_property_readonly("batch_size", &Config::batch_size)
      .def_property_readonly("index", &Config::index)
      .def_property_readonly("cell_index", &Config::cell_index)
      .def_property_readonly("lr_index", &Config::lr_index)
      .def_property_readonly("bs_index", &Config::bs_index)
      .def_property_readonly(
          "values",
          [](const Config& c) {
            py::tuple t(kNumDims);
            for (int d = 0; d < kNumDims; ++d) t[d] = int(c.values[d]);
            return t;
          },
          "The 8 dimension values: 6 edge ops, lr index, batch size index.")
      .def_static(
          "from_values",
          [](const std::vector<int>& values) {
            if (values.size() != static_cast<std::size_t>(kNumDims)) {
              throw InvalidArgument("a config has " + std::to_string(kNumDims) + " values, got " +
                                    std::to_string(values.size()));
            }
            Config c;
            for (int d = 0; d < kNumDims; ++d) {
              if (values[d] < 0 || values[d] >= kDimSizes[d]) {
                throw InvalidArgument("value " + std::to_string(values[d]) + " of dimension " +
                                      std::to_string(d) + " is out of range; allowed: 0.." +
                                      std::to_string(kDimSizes[d] - 1));
              }
              c.values[d] = static_cast<std::uint8_t>(values[d]);
            }
            return c;
          },
          py::arg("values"))
      .def(
          "as_tuple",
          [](const Config& c) {
            return py::make_tuple(format_cellcode(c.cell()), c.lr(), c.batch_size());
          },
          "(cellcode, lr, batch_size), the reference API's key.")
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def("__hash__", &Config::index)
      .def("__repr__",
           [](const Config& c) {
             return "Config('" + format_cellcode(c.cell()) + "', " + format_lr(c.lr()) + ", " +
                    std::to_string(c.batch_size()) + ")";
           })
      .def(py::pickle([](const Config& c) { return c.index(); },
                      [](int index) { return Config::from_index(index); }));

  // --- Trial and Observation -----------------------------------------------------------------
  py::class_<Trial>(m, "Trial", "What an optimizer proposes: a config and a fidelity (epochs).")
      .def(py::init([](const py::object& config, int epochs) {
             Trial t;
             t.config = config_from_python(config);
             t.epochs = epochs;
             return t;
           }),
           py::arg("config"), py::arg("epochs") = kMaxEpochs)
      .def_readwrite("config", &Trial::config)
      .def_readwrite("epochs", &Trial::epochs)
      .def("__repr__", [](const Trial& t) {
        return "Trial(Config('" + format_cellcode(t.config.cell()) + "', " +
               format_lr(t.config.lr()) + ", " + std::to_string(t.config.batch_size()) +
               "), epochs=" + std::to_string(t.epochs) + ")";
      });
  py::class_<Observation>(m, "Observation",
                          "What the driver tells: validation accuracy (%) after the trial's "
                          "epochs and the simulated seconds it cost.")
      .def(py::init([](double valid_acc, double cost) {
             return Observation{valid_acc, cost};
           }),
           py::arg("valid_acc"), py::arg("cost"))
      .def_readonly("valid_acc", &Observation::valid_acc)
      .def_readonly("cost", &Observation::cost_seconds)
      .def_readonly("cost_seconds", &Observation::cost_seconds)
      .def("__repr__", [](const Observation& o) {
        return "Observation(valid_acc=" + format_double(o.valid_acc) +
               ", cost=" + format_double(o.cost_seconds) + ")";
      });

  // --- SearchSpace ---------------------------------------------------------------------------
  py::class_<SearchSpace>(m, "SearchSpace",
                          "The 8 categorical dimensions (6 edges with 4 ops, 8 learning rates, 6 "
                          "batch sizes), each free or fixed to one value.")
      .def(py::init<>())
      .def(
          "fix",
          [](SearchSpace& s, int dim, int value) -> SearchSpace& { return s.fix(dim, value); },
          py::arg("dim"), py::arg("value"), py::return_value_policy::reference_internal)
      .def("is_fixed", &SearchSpace::is_fixed, py::arg("dim"))
      .def("fixed_value", &SearchSpace::fixed_value, py::arg("dim"))
      .def_property_readonly("num_free_dims", &SearchSpace::num_free_dims)
      .def_property_readonly("size", &SearchSpace::size)
      .def_property_readonly_static(
          "dim_sizes",
          [](py::object) { return std::vector<int>(kDimSizes.begin(), kDimSizes.end()); })
      .def("__len__", &SearchSpace::size)
      .def("__contains__", [](const SearchSpace& s, const Config& c) { return s.contains(c); })
      .def("contains", &SearchSpace::contains, py::arg("config"))
      .def("neighbours", &SearchSpace::neighbours, py::arg("config"),
           "Every single-dimension change of config (30 in the full space).");

  // --- Search-space functions ----------------------------------------------------------------
  m.def(
      "cellcode_to_index",
      [](const std::string& cellcode) { return parse_cellcode(cellcode).index(); },
      py::arg("cellcode"), "The cell index (base-4 value of the six digits), 0..4095.");
  m.def(
      "index_to_cellcode",
      [](long long index) {
        if (index < 0 || index >= kNumCells) {
          throw InvalidArgument("cell index " + std::to_string(index) +
                                " is out of range; allowed: 0.." + std::to_string(kNumCells - 1));
        }
        return format_cellcode(static_cast<int>(index));
      },
      py::arg("index"));
  m.def(
      "canonical_cellcode",
      [](const std::string& cellcode) {
        return format_cellcode(
            CellClasses::get().representative_of(parse_cellcode(cellcode).index()));
      },
      py::arg("cellcode"),
      "The representative of the cellcode's class (the one the benchmark trained).");
  m.def(
      "cell_class",
      [](const std::string& cellcode) {
        return CellClasses::get().class_of(parse_cellcode(cellcode).index());
      },
      py::arg("cellcode"), "The class index (0..1010) of the cellcode.");
  m.def(
      "model_size",
      [](const std::string& cellcode) {
        const ModelSize size = nhb2::model_size(parse_cellcode(cellcode));
        py::dict d;
        d["params"] = size.params;
        d["flops_millions"] = size.flops_millions;
        return d;
      },
      py::arg("cellcode"), "{'params': trainable parameters, 'flops_millions': MACs in millions}.");
  m.def("learning_rates",
        [] { return std::vector<double>(kLearningRates.begin(), kLearningRates.end()); });
  m.def("batch_sizes", [] { return std::vector<int>(kBatchSizes.begin(), kBatchSizes.end()); });
  m.attr("NUM_CONFIGS") = kNumConfigs;
  m.attr("NUM_CELLS") = kNumCells;

  // --- Benchmark -----------------------------------------------------------------------------
  py::class_<PyBenchmark>(m, "Benchmark",
                          "The NAS-HPO-Bench-II oracle: the built-in synthetic benchmark "
                          "(data=None, always labelled 'synthetic') or a .nhb2 file.\n\n"
                          "Immutable and shared: query() and query_many() log nothing; use a "
                          "Session (bench.session()) for a run with a log and an incumbent.")
      .def(py::init<const py::object&, std::uint64_t>(), py::arg("data") = py::none(),
           py::arg("synthetic_seed") = kDefaultSyntheticSeed)
      .def_property_readonly("info", &info_dict)
      .def_property_readonly("source",
                             [](const PyBenchmark& b) { return b.benchmark.source().kind; })
      .def_property_readonly("description",
                             [](const PyBenchmark& b) { return b.benchmark.source().description; })
      .def_property_readonly("checksum",
                             [](const PyBenchmark& b) { return b.benchmark.checksum(); })
      .def_property_readonly("seeds", [](const PyBenchmark& b) { return b.benchmark.seeds(); })
      .def(
          "query",
          [](PyBenchmark& b, const py::handle& config, int epoch, const std::string& mode,
             std::optional<int> iepoch, std::optional<int> seed) {
            const Config c = config_arg(config);
            const QueryResult r = b.lookup.evaluate(c, query_options(epoch, mode, iepoch, seed));
            return py::make_tuple(r.accuracy, cost_object(r));
          },
          py::arg("config"), py::arg("epoch") = kMaxEpochs, py::arg("mode") = "valid",
          py::arg("iepoch") = py::none(), py::arg("seed") = py::none(),
          "(accuracy %, cost s) of one config, unlogged. epoch 12 or 200 (cost None); mode "
          "train|valid|test; iepoch 1..12 (epoch 12 only); seed a recorded seed (default: the "
          "smallest). config: a Config, a config index or (cellcode, lr, batch_size).")
      .def("query_many", &query_many, py::arg("indices"), py::arg("epoch") = kMaxEpochs,
           py::arg("mode") = "valid", py::arg("iepoch") = py::none(), py::arg("seed") = py::none(),
           "{'accuracy': ndarray, 'cost': ndarray} for an integer array of config indices, "
           "computed in C++ without the GIL; the same options as query() (cost NaN at epoch "
           "200).")
      .def(
          "class_of",
          [](const PyBenchmark& b, const py::handle& config) {
            return b.benchmark.class_of(config_arg(config));
          },
          py::arg("config"))
      .def(
          "export_pickles",
          [](const PyBenchmark& b, const std::string& dir) {
            py::gil_scoped_release release;
            write_pickle_layout(b.benchmark.table(), dir);
          },
          py::arg("dir"))
      .def(
          "save",
          [](const PyBenchmark& b, const std::string& path) {
            py::gil_scoped_release release;
            write_nhb2(b.benchmark.table(), path);
          },
          py::arg("path"))
      .def(
          "_lookup",
          [](const PyBenchmark& b, int index, int mode, int iepoch, int seed_index) {
            // The compatibility module's hot path: arguments already checked in Python.
            const Config c = Config::from_index(index);
            const Mode m = static_cast<Mode>(mode);
            return py::make_tuple(b.benchmark.accuracy(c, m, iepoch, seed_index),
                                  b.benchmark.cost(c, m, iepoch, seed_index));
          },
          py::arg("index"), py::arg("mode"), py::arg("iepoch"), py::arg("seed_index"))
      .def(
          "_lookup_range",
          [](const PyBenchmark& b, int start, int stop, int mode, int iepoch, int seed_index) {
            // Lists (accuracies, costs) of the configs start..stop-1, for the compatibility
            // module's iteration; arguments already checked in Python.
            const Mode m = static_cast<Mode>(mode);
            const auto n = static_cast<py::ssize_t>(stop - start);
            py::list accuracies(n);
            py::list costs(n);
            for (py::ssize_t k = 0; k < n; ++k) {
              const Config c = Config::from_index(start + static_cast<int>(k));
              accuracies[k] = py::float_(b.benchmark.accuracy(c, m, iepoch, seed_index));
              costs[k] = py::float_(b.benchmark.cost(c, m, iepoch, seed_index));
            }
            return py::make_tuple(accuracies, costs);
          },
          py::arg("start"), py::arg("stop"), py::arg("mode"), py::arg("iepoch"),
          py::arg("seed_index"))
      .def(
          "_avg_acc_200",
          [](const PyBenchmark& b, int index) {
            return b.benchmark.avg_acc_200(Config::from_index(index));
          },
          py::arg("index"))
      .def("_run", &run_runs)
      .def("__repr__", [](const PyBenchmark& b) {
        return "<nhb2.Benchmark " + b.benchmark.source().description + ">";
      });
  // The cache folder rules of the C++ library, for the converted pickles (nhb2/_official.py).
  m.def("_cache_dir", &synthetic_cache_dir);
  m.def("_cache_disabled", &synthetic_cache_disabled);
  m.def("_prepare_cache_dir", &prepare_cache_dir, py::arg("dir"));
  m.def("_own_regular_file", &own_regular_file, py::arg("path"));
  m.def(
      "_import_official",
      [](const std::string& dir) {
        py::gil_scoped_release release;
        return PyBenchmark(Benchmark(import_official(dir)));
      },
      py::arg("dir"));

  // --- Session -------------------------------------------------------------------------------
  py::class_<Session>(m, "Session",
                      "One optimisation run with the reference API's semantics: every epoch-12 "
                      "query is logged (acc_trans, key_trans, total_cost_trans, best_acc_trans, "
                      "best_key_trans, log), the incumbent is replaced when best_acc < acc, "
                      "results() gives its test accuracy at 12 and 200 epochs. Unlike the "
                      "authors' API, a query's seed= applies to that query only.")
      .def(py::init([](const PyBenchmark& b, const std::string& seed_policy,
                       std::optional<int> seed, std::uint64_t rng_seed) {
             SessionOptions options;
             options.seed_policy = parse_seed_policy(seed_policy);
             options.rng_seed = rng_seed;
             if (seed) {
               b.benchmark.seed_index(*seed);
               if (options.seed_policy != SeedPolicy::fixed) {
                 throw InvalidArgument("seed needs seed_policy fixed");
               }
               options.seed = *seed;
             }
             return Session(b.benchmark, options);
           }),
           py::arg("benchmark"), py::arg("seed_policy") = "fixed", py::arg("seed") = py::none(),
           py::arg("rng_seed") = 0)
      .def(
          "query",
          [](Session& s, const py::handle& config, int epoch, const std::string& mode,
             std::optional<int> iepoch, std::optional<int> seed) {
            const Config c = config_arg(config);
            const QueryResult r = s.query(c, query_options(epoch, mode, iepoch, seed));
            return py::make_tuple(r.accuracy, cost_object(r));
          },
          py::arg("config"), py::arg("epoch") = kMaxEpochs, py::arg("mode") = "valid",
          py::arg("iepoch") = py::none(), py::arg("seed") = py::none())
      .def(
          "results",
          [](Session& s, std::vector<int> epochs, const std::string& mode) {
            const Results r = s.results(epochs, mode_of(mode));
            py::dict d;
            for (std::size_t i = 0; i < r.epochs.size(); ++i)
              d[py::int_(r.epochs[i])] = r.final_accs[i];
            return d;
          },
          py::arg("epochs") = std::vector<int>{kMaxEpochs, kSurrogateEpoch},
          py::arg("mode") = "test")
      .def("set_seed", &Session::set_seed, py::arg("seed"))
      .def_property_readonly("seed", &Session::seed)
      .def_property_readonly("seed_policy",
                             [](const Session& s) { return seed_policy_name(s.seed_policy()); })
      .def("reset", &Session::reset)
      .def_property_readonly("total_cost", &Session::total_cost)
      .def_property_readonly("num_queries", &Session::num_queries)
      .def("__len__", &Session::num_queries)
      .def_property_readonly("best_acc",
                             [](const Session& s) {
                               return s.has_incumbent() ? py::object(py::float_(s.best_acc()))
                                                        : py::object(py::none());
                             })
      .def_property_readonly("best_key",
                             [](const Session& s) {
                               return s.best_key() ? py::cast(*s.best_key())
                                                   : py::object(py::none());
                             })
      .def_property_readonly("log",
                             [](const Session& s) {
                               py::list out;
                               for (const LogRecord& r : s.log()) {
                                 py::dict d;
                                 d["key"] = r.key;
                                 d["epochs"] = r.epochs;
                                 d["acc"] = r.acc;
                                 d["cost"] = r.cost;
                                 d["total_cost"] = r.total_cost;
                                 d["best_acc"] = r.best_acc;
                                 d["best_key"] = r.best_key;
                                 d["wallclock"] = r.wallclock;
                                 d["worker"] = r.worker;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("acc_trans", &Session::acc_trans)
      .def_property_readonly("key_trans", &Session::key_trans)
      .def_property_readonly("epochs_trans", &Session::epochs_trans)
      .def_property_readonly("cost_trans", &Session::cost_trans)
      .def_property_readonly("total_cost_trans", &Session::total_cost_trans)
      .def_property_readonly("best_acc_trans", &Session::best_acc_trans)
      .def_property_readonly("best_key_trans", &Session::best_key_trans);

  // --- Optimizers, runs, sweeps --------------------------------------------------------------
  m.def("optimizers", [] {
    py::list out;
    for (const OptimizerInfo& info : builtin_optimizers().all()) {
      py::dict d;
      d["name"] = info.name;
      d["summary"] = info.summary;
      d["params"] = params_list(info);
      out.append(d);
    }
    return out;
  });
  m.def("_check_optimizer", [](const std::string& name, const py::object& params) {
    const Registry& registry = builtin_optimizers();
    registry.create(name, assignments(params));
  });
  m.def("_python_seed", [](std::uint64_t run_seed_value) {
    Rng rng = make_rng(stream_seed(run_seed_value, Stream::optimizer));
    return python_seed(rng);
  });
  m.def(
      "run_seed",
      [](std::uint64_t master_seed, std::uint64_t run) { return run_seed(master_seed, run); },
      py::arg("master_seed"), py::arg("run"));
  m.def("_sweep", &run_sweep_text, py::arg("yaml_text"), py::arg("label"), py::arg("python"),
        py::arg("out"), py::arg("jobs"), py::arg("resume"), py::arg("plots"));
}

}  // namespace nhb2::python

PYBIND11_MODULE(_core, m) {
  nhb2::python::bind_all(m);
}
