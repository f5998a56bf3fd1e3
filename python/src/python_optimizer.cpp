#include "python_optimizer.hpp"

#include <nhb2/core/cell.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>

#include <pybind11/stl.h>

#include <limits>

namespace py = pybind11;

namespace nhb2::python {

namespace {

// "ValueError: message" of the Python exception being handled.
std::string describe_python_error(const py::error_already_set& error) {
  std::string type = "exception";
  try {
    type = py::str(error.type().attr("__name__")).cast<std::string>();
  } catch (...) {
  }
  std::string message;
  try {
    message = py::str(error.value()).cast<std::string>();
  } catch (...) {
  }
  return message.empty() ? type : type + ": " + message;
}

std::string python_repr(const py::handle& value) {
  try {
    std::string text = py::repr(value).cast<std::string>();
    if (text.size() > 120) text = text.substr(0, 117) + "...";
    return text;
  } catch (...) {
    return "<unprintable object>";
  }
}

// An int of Python or numpy (anything with __index__), not a bool.
bool is_integer(const py::handle& value) {
  return PyIndex_Check(value.ptr()) != 0 && !py::isinstance<py::bool_>(value);
}

long long to_integer(const py::handle& value) {
  return py::int_(py::reinterpret_borrow<py::object>(value)).cast<long long>();
}

int checked_epochs(long long epochs) {
  if (epochs < 1 || epochs > kMaxEpochs) {
    throw Error("epochs " + std::to_string(epochs) + " is out of range; allowed: 1.." +
                std::to_string(kMaxEpochs));
  }
  return static_cast<int>(epochs);
}

[[noreturn]] void raise_from_python(const char* method, const py::error_already_set& error) {
  throw Error(std::string(method) + " raised " + describe_python_error(error));
}

}  // namespace

SharedObject::~SharedObject() {
  py::gil_scoped_acquire gil;
  object_ = py::object();
}

Config config_from_python(const py::handle& value) {
  if (py::isinstance<Config>(value)) return value.cast<Config>();
  if (is_integer(value)) {
    const long long index = to_integer(value);
    if (index < 0 || index >= kNumConfigs) {
      throw InvalidArgument("config index " + std::to_string(index) +
                            " is out of range; allowed: 0.." + std::to_string(kNumConfigs - 1));
    }
    return Config::from_index(static_cast<int>(index));
  }
  if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
    const py::sequence items = py::reinterpret_borrow<py::sequence>(value);
    if (items.size() == 3 && py::isinstance<py::str>(items[0])) {
      const Cell cell = parse_cellcode(items[0].cast<std::string>());
      if (!py::isinstance<py::float_>(items[1]) && !is_integer(items[1]) &&
          !py::hasattr(items[1], "__float__")) {
        throw InvalidArgument("lr " + python_repr(items[1]) +
                              " is not a number; allowed: " + allowed_learning_rates());
      }
      if (!is_integer(items[2])) {
        throw InvalidArgument("batch size " + python_repr(items[2]) +
                              " is not an integer; allowed: " + allowed_batch_sizes());
      }
      return Config::make(cell, lr_index_of(py::float_(items[1]).cast<double>()),
                          batch_size_index_of(to_integer(items[2])));
    }
  }
  throw Error(
      "expected a config: an nhb2.Config, a config index or a (cellcode, lr, batch_size) "
      "tuple, got " +
      python_repr(value));
}

std::uint64_t python_seed(Rng& rng) {
  return rng();
}

PythonOptimizer::PythonOptimizer(py::object object) : object_(std::move(object)) {}

PythonOptimizer::~PythonOptimizer() {
  py::gil_scoped_acquire gil;
  pending_.clear();
  object_ = py::object();
}

void PythonOptimizer::reset(const SearchSpace& space, Rng rng) {
  const std::uint64_t seed = python_seed(rng);
  py::gil_scoped_acquire gil;
  pending_.clear();
  next_id_ = 0;
  has_finished_ = py::hasattr(object_, "finished");
  try {
    py::object generator = py::module_::import("numpy.random").attr("default_rng")(seed);
    object_.attr("reset")(space, generator);
  } catch (py::error_already_set& error) {
    raise_from_python("reset()", error);
  }
}

Trial PythonOptimizer::ask() {
  py::gil_scoped_acquire gil;
  py::object answer;
  try {
    // A Ctrl-C reaches Python here, so a long run of a Python optimizer can be interrupted.
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    answer = object_.attr("ask")();
  } catch (py::error_already_set& error) {
    raise_from_python("ask()", error);
  }
  Trial trial;
  try {
    py::object config = answer;
    if (py::hasattr(answer, "config") && py::hasattr(answer, "epochs")) {
      config = answer.attr("config");
      const py::object epochs = answer.attr("epochs");
      if (!is_integer(epochs)) {
        throw Error("the epochs of a trial must be an integer in 1..12, got " +
                    python_repr(epochs));
      }
      trial.epochs = checked_epochs(to_integer(epochs));
    } else if ((py::isinstance<py::tuple>(answer) || py::isinstance<py::list>(answer)) &&
               py::len(answer) == 2) {
      const py::sequence pair = py::reinterpret_borrow<py::sequence>(answer);
      config = pair[0];
      if (!is_integer(pair[1])) {
        throw Error("the epochs of a (config, epochs) pair must be an integer in 1..12, got " +
                    python_repr(pair[1]));
      }
      trial.epochs = checked_epochs(to_integer(pair[1]));
    }
    trial.config = config_from_python(config);
  } catch (const Error& error) {
    throw Error("ask() returned " + python_repr(answer) + ": " + error.what());
  } catch (py::error_already_set& error) {
    throw Error("ask() returned " + python_repr(answer) + ": " + describe_python_error(error));
  } catch (const py::cast_error&) {
    throw Error("ask() returned " + python_repr(answer) +
                ": expected a Trial, a config, or a (config, epochs) pair");
  }
  trial.id = next_id_++;
  pending_.emplace(trial.id, std::move(answer));
  return trial;
}

void PythonOptimizer::tell(const Trial& trial, const Observation& observation) {
  py::gil_scoped_acquire gil;
  auto it = pending_.find(trial.id);
  py::object asked = it != pending_.end() ? std::move(it->second) : py::cast(trial);
  if (it != pending_.end()) pending_.erase(it);
  try {
    object_.attr("tell")(asked, observation);
  } catch (py::error_already_set& error) {
    raise_from_python("tell()", error);
  }
}

bool PythonOptimizer::finished() const {
  if (!has_finished_) return false;
  py::gil_scoped_acquire gil;
  try {
    return py::bool_(object_.attr("finished")()).cast<bool>();
  } catch (py::error_already_set& error) {
    raise_from_python("finished()", error);
  }
}

std::vector<ParamSpec> python_param_specs(const std::string& name, const py::handle& specs) {
  std::vector<ParamSpec> out;
  if (specs.is_none()) return out;
  const auto fail = [&](const std::string& what) {
    throw ConfigError(name + ": nhb2_params " + what +
                      "; expected a list of {name, type: integer|real|boolean|choice, default, "
                      "min, max, choices, help}");
  };
  if (!py::isinstance<py::list>(specs) && !py::isinstance<py::tuple>(specs)) {
    fail("is " + python_repr(specs));
  }
  for (const py::handle entry : specs) {
    if (!py::isinstance<py::dict>(entry)) fail("entry " + python_repr(entry) + " is not a dict");
    const py::dict spec = py::reinterpret_borrow<py::dict>(entry);
    try {
      const std::string param = spec["name"].cast<std::string>();
      const std::string type = spec["type"].cast<std::string>();
      const std::string help =
          spec.contains("help") ? spec["help"].cast<std::string>() : std::string();
      const auto bound = [&](const char* key, double fallback) {
        return spec.contains(key) && !spec[key].is_none() ? spec[key].cast<double>() : fallback;
      };
      const double inf = std::numeric_limits<double>::infinity();
      if (type == "integer") {
        out.push_back(ParamSpec::integer(param, spec["default"].cast<long long>(),
                                         static_cast<long long>(bound("min", -9.0e18)),
                                         static_cast<long long>(bound("max", 9.0e18)), help));
      } else if (type == "real") {
        out.push_back(ParamSpec::real(param, spec["default"].cast<double>(), bound("min", -inf),
                                      bound("max", inf), help));
      } else if (type == "boolean") {
        out.push_back(ParamSpec::boolean(param, spec["default"].cast<bool>(), help));
      } else if (type == "choice") {
        out.push_back(ParamSpec::choice(param, spec["default"].cast<std::string>(),
                                        spec["choices"].cast<std::vector<std::string>>(), help));
      } else {
        fail("entry '" + param + "' has type '" + type + "'");
      }
    } catch (const py::error_already_set& error) {
      fail("entry " + python_repr(entry) + " is malformed (" + describe_python_error(error) + ")");
    } catch (const py::cast_error&) {
      fail("entry " + python_repr(entry) + " has a value of the wrong type");
    }
  }
  return out;
}

OptimizerInfo python_optimizer_info(const std::string& name, py::object factory,
                                    std::vector<ParamSpec> params, const std::string& summary) {
  auto shared = std::make_shared<SharedObject>(std::move(factory));
  OptimizerInfo info;
  info.name = name;
  info.summary = summary;
  info.params = std::move(params);
  const std::vector<ParamSpec> specs = info.params;
  info.create = [shared, specs](const ParamValues& values) -> std::unique_ptr<Optimizer> {
    py::gil_scoped_acquire gil;
    py::object object;
    try {
      py::dict kwargs;
      for (const ParamSpec& spec : specs) {
        const py::str key(spec.name);
        switch (spec.type) {
          case ParamType::integer:
            kwargs[key] = values.get_int(spec.name);
            break;
          case ParamType::real:
            kwargs[key] = values.get_real(spec.name);
            break;
          case ParamType::boolean:
            kwargs[key] = values.get_bool(spec.name);
            break;
          case ParamType::choice:
            kwargs[key] = values.get_choice(spec.name);
            break;
        }
      }
      object = shared->get()(**kwargs);
    } catch (py::error_already_set& error) {
      throw Error("creating the optimizer raised " + describe_python_error(error));
    }
    for (const char* method : {"reset", "ask", "tell"}) {
      if (!py::hasattr(object, method)) {
        throw Error("the optimizer object " + python_repr(object) + " has no " + method +
                    "() method; a Python optimizer needs reset(space, rng), ask() and "
                    "tell(trial, observation)");
      }
    }
    return std::make_unique<PythonOptimizer>(std::move(object));
  };
  return info;
}

}  // namespace nhb2::python
