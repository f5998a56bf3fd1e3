// Optimizer plug-ins (core/plugin.hpp): loading, each refusal with its message, and plug-ins in
// `nhb2 list`, `nhb2 run` and `nhb2 sweep` (resolved.yaml, --resume after a change, a plug-in
// that throws). The plug-ins are tests/plugins/*.cpp, built as outside plug-ins are.

#include "test_support.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/hash.hpp>
#include <nhb2/core/plugin.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using Catch::Matchers::Contains;
using nhb2::test::read_text;
using nhb2::test::run_cli;
using nhb2::test::TempDir;

namespace {

namespace fs = std::filesystem;

std::string plugin(const std::string& name) {
  return std::string(NHB2_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

std::string q(const std::string& text) {
  return "'" + text + "'";
}

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string sweep_config(const std::string& plugin_path, const std::string& output,
                         const std::string& optimizers, int runs = 3) {
  return "name: plugged\nbudget: 3000\nruns: " + std::to_string(runs) +
         "\ncurve_points: 10\nplugins: [" + q(plugin_path) + "]\noutput: " + q(output) +
         "\noptimizers:\n" + optimizers;
}

}  // namespace

TEST_CASE("load_plugin adds the plug-in's optimizers with their origin", "[plugin]") {
  nhb2::Registry registry = nhb2::builtin_optimizers();
  const std::size_t builtins = registry.all().size();
  const nhb2::PluginRecord& record = nhb2::load_plugin(plugin("test_plugin"), registry);
  CHECK(record.optimizers == std::vector<std::string>{"plugin_random", "plugin_faulty"});
  CHECK(record.checksum.size() == 16);
  CHECK(record.checksum == nhb2::to_hex(nhb2::file_xxh3_64(plugin("test_plugin"))));
  REQUIRE(registry.all().size() == builtins + 2);
  CHECK(registry.origin("plugin_random") == plugin("test_plugin"));
  CHECK(registry.origin("random_search").empty());
  CHECK(registry.describe_origin("plugin_random") == "plug-in '" + plugin("test_plugin") + "'");
  CHECK(registry.find_plugin(plugin("test_plugin")) != nullptr);
  auto optimizer = registry.create("plugin_random", {{"epochs", "4"}});
  nhb2::SearchSpace space;
  optimizer->reset(space, nhb2::make_rng(1));
  const nhb2::Trial trial = optimizer->ask();
  CHECK(trial.epochs == 4);
  CHECK(space.contains(trial.config));
  CHECK_THROWS_WITH(registry.create("plugin_random", {{"epochs", "13"}}), Contains("epochs"));
}

TEST_CASE("load_plugin refuses each kind of bad plug-in and leaves the registry unchanged",
          "[plugin]") {
  TempDir dir;
  const std::string text_file = write_file(dir.file("text.so"), "this is not a library\n");
  fs::copy_file(plugin("test_plugin"), dir.file("copy.so"));
  struct Case {
    std::vector<std::string> load;  // loaded in order; the last one must fail
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {{dir.file("missing.so")}, {"plug-in '" + dir.file("missing.so") + "' does not exist"}},
      {{text_file}, {"is not a loadable shared library"}},
      {{plugin("not_a_plugin")}, {"is not an nhb2 plug-in", "NHB2_PLUGIN"}},
      {{plugin("old_abi_plugin")},
       {"is incompatible: it was built against nhb2 0.0.1, plug-in ABI 999",
        std::string("this is nhb2 ") + nhb2::kVersion, "rebuild it"}},
      {{plugin("clash_plugin")},
       {"defines optimizer 'random_search', which clashes with the optimizer of that name of "
        "built-in"}},
      {{plugin("test_plugin"), plugin("test_plugin")}, {"is loaded twice"}},
      {{plugin("test_plugin"), dir.file("copy.so")},
       {"defines optimizer 'plugin_random', which clashes", "plug-in '" + plugin("test_plugin")}},
  };
  for (const auto& c : cases) {
    INFO(c.load.back());
    nhb2::Registry registry = nhb2::builtin_optimizers();
    for (std::size_t i = 0; i + 1 < c.load.size(); ++i) nhb2::load_plugin(c.load[i], registry);
    const std::vector<std::string> before = registry.names();
    const std::size_t plugins_before = registry.plugins().size();
    try {
      nhb2::load_plugin(c.load.back(), registry);
      FAIL("loaded");
    } catch (const nhb2::PluginError& e) {
      for (const auto& part : c.expected) CHECK_THAT(e.what(), Contains(part));
    }
    CHECK(registry.names() == before);
    CHECK(registry.plugins().size() == plugins_before);
  }
}

TEST_CASE("nhb2 list and nhb2 run load plug-ins, bad plug-ins exit 2", "[plugin][cli]") {
  const auto list = run_cli("list --plugin " + q(plugin("test_plugin")));
  REQUIRE(list.exit_code == 0);
  CHECK_THAT(list.out, Contains("random_search"));
  CHECK_THAT(list.out, Contains("plugin_random\n  uniform samples at a fixed fidelity"));
  CHECK_THAT(list.out, Contains("(plug-in '" + plugin("test_plugin") + "')"));

  const auto run = run_cli("run --plugin " + q(plugin("test_plugin")) +
                           " --optimizer plugin_random --param epochs=6 --runs 2 --budget 2000");
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("optimizer plugin_random"));

  for (const std::string& bad : {plugin("not_a_plugin"), plugin("old_abi_plugin"),
                                 plugin("clash_plugin"), std::string("/no/such/plugin.so")}) {
    INFO(bad);
    const auto r = run_cli("list --plugin " + q(bad));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Contains("nhb2: error: plug-in '" + bad + "'"));
  }
  const auto unknown = run_cli("run --optimizer plugin_random --runs 1");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("unknown optimizer 'plugin_random'"));
}

TEST_CASE("nhb2 run names the plug-in, the optimizer and the run when a plug-in throws",
          "[plugin][cli]") {
  const auto r = run_cli("run --plugin " + q(plugin("test_plugin")) +
                         " --optimizer plugin_faulty --param fail_on_run=1 --runs 3 --budget 2000");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("optimizer 'plugin_faulty' (plug-in '" + plugin("test_plugin") +
                             "') run 1: exception: plugin_faulty fails on purpose in ask()"));
  const auto in_tell = run_cli("run --plugin " + q(plugin("test_plugin")) +
                               " --optimizer plugin_faulty --param fail_on_run=0 --param "
                               "throw_in=tell --runs 3 --budget 2000");
  CHECK(in_tell.exit_code == 2);
  CHECK_THAT(in_tell.err, Contains("run 0: exception: plugin_faulty fails on purpose in tell()"));
  const auto in_create = run_cli("run --plugin " + q(plugin("test_plugin")) +
                                 " --optimizer plugin_faulty --param throw_in=create");
  CHECK(in_create.exit_code == 2);
  CHECK_THAT(in_create.err,
             Contains("optimizer 'plugin_faulty' (plug-in '" + plugin("test_plugin") +
                      "') could not be created: plugin_faulty refuses to be "
                      "created"));
}

TEST_CASE("a sweep runs a plug-in's optimizer next to a built-in and records the plug-in",
          "[plugin][sweep]") {
  TempDir dir;
  fs::copy_file(plugin("test_plugin"), dir.file("mine.so"));
  const std::string out = dir.file("out");
  const std::string config =
      write_file(dir.file("c.yaml"), sweep_config(dir.file("mine.so"), out,
                                                  "  - optimizer: random_search\n"
                                                  "  - optimizer: plugin_random\n"
                                                  "    label: low-fidelity\n"
                                                  "    params: {epochs: 3}\n"));
  const auto first = run_cli("sweep " + q(config) + " --quiet --no-plots --jobs 2");
  REQUIRE(first.exit_code == 0);
  const std::string resolved = read_text(out + "/resolved.yaml");
  const std::string checksum = nhb2::to_hex(nhb2::file_xxh3_64(dir.file("mine.so")));
  CHECK_THAT(resolved, Contains("plugins:\n  - " + dir.file("mine.so")));
  CHECK_THAT(resolved, Contains("xxh3: " + checksum));
  const std::string runs = read_text(out + "/runs.csv");
  CHECK_THAT(runs, Contains("random_search,"));
  CHECK_THAT(runs, Contains("low-fidelity,"));

  // The resolved config is itself a config (the plug-in is listed and loaded again).
  const auto again = run_cli("sweep " + q(out + "/resolved.yaml") + " --quiet --no-plots --out " +
                             q(dir.file("again")));
  REQUIRE(again.exit_code == 0);
  CHECK(read_text(dir.file("again") + "/runs.csv") == runs);

  // A changed plug-in is refused on --resume, naming the old and new checksums.
  std::ofstream(dir.file("mine.so"), std::ios::binary | std::ios::app) << "changed";
  const auto resume = run_cli("sweep " + q(config) + " --quiet --no-plots --resume");
  CHECK(resume.exit_code == 2);
  CHECK_THAT(resume.err, Contains("plugins[0].xxh3: " + checksum + " → "));
  CHECK(read_text(out + "/runs.csv") == runs);
}

TEST_CASE("a sweep's plug-in errors name the key, a throwing plug-in leaves other runs saved",
          "[plugin][sweep]") {
  TempDir dir;
  const auto missing =
      run_cli("sweep " +
              q(write_file(dir.file("a.yaml"), sweep_config(dir.file("nope.so"), dir.file("out-a"),
                                                            "  - optimizer: random_search\n"))) +
              " --quiet");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("a.yaml:5:11: key 'plugins': plug-in '" + dir.file("nope.so") +
                                   "' does not exist"));
  CHECK_FALSE(fs::exists(dir.file("out-a")));

  const auto not_listed = run_cli(
      "sweep " +
      q(write_file(dir.file("b.yaml"), "name: b\noptimizers:\n  - optimizer: plugin_random\n")) +
      " --quiet");
  CHECK(not_listed.exit_code == 2);
  CHECK_THAT(not_listed.err, Contains("unknown optimizer 'plugin_random'"));

  const auto twice =
      run_cli("sweep " +
              q(write_file(dir.file("t.yaml"),
                           "name: t\nplugins: [" + q(plugin("test_plugin")) + ", " +
                               q(fs::path(plugin("test_plugin")).parent_path().string() +
                                 "/./test_plugin.so") +
                               "]\noptimizers:\n  - optimizer: plugin_random\n")) +
              " --quiet");
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Contains("t.yaml:2:"));
  CHECK_THAT(twice.err, Contains("/./test_plugin.so' is listed twice (as '" +
                                 plugin("test_plugin") + "' before)"));

  const std::string out = dir.file("out-c");
  const auto faulty = run_cli(
      "sweep " +
      q(write_file(
          dir.file("c.yaml"),
          sweep_config(
              plugin("test_plugin"), out,
              "  - optimizer: plugin_faulty\n    label: faulty\n    params: {fail_on_run: 2}\n",
              4))) +
      " --quiet --jobs 1");
  CHECK(faulty.exit_code == 2);
  CHECK_THAT(faulty.err, Contains("nhb2: error: faulty: optimizer 'plugin_faulty' (plug-in '" +
                                  plugin("test_plugin") +
                                  "') run 2: exception: plugin_faulty fails on purpose in ask()"));
  CHECK(fs::exists(out + "/runs/faulty/0.csv"));
  CHECK(fs::exists(out + "/runs/faulty/1.csv"));
  CHECK_FALSE(fs::exists(out + "/runs/faulty/2.csv"));
  CHECK_FALSE(fs::exists(out + "/runs.csv"));
}

TEST_CASE("nhb2 conformance checks a plug-in's optimizers and fails on a broken one",
          "[plugin][cli]") {
  const auto good = run_cli("conformance --plugin " + q(plugin("test_plugin")) +
                            " --optimizer plugin_random --evaluations 60 --pending 1 --pending 8");
  CHECK(good.exit_code == 0);
  CHECK_THAT(good.out, Contains("plugin_random: all conformance checks passed"));
  CHECK_THAT(good.out, Contains("(plug-in '" + plugin("test_plugin") + "')"));

  const auto bad = run_cli("conformance --plugin " + q(plugin("test_plugin")) +
                           " --evaluations 60 --param fail_on_run=0");
  CHECK(bad.exit_code == 2);  // fail_on_run is not a parameter of plugin_random
  CHECK_THAT(bad.err, Contains("fail_on_run"));

  const auto faulty = run_cli("conformance --plugin " + q(plugin("test_plugin")) +
                              " --optimizer plugin_faulty --param fail_on_run=0 --evaluations 60");
  CHECK(faulty.exit_code == 1);
  CHECK_THAT(faulty.out,
             Contains("conformance check 'ask_succeeds' failed for plugin_faulty with 1 pending "
                      "trial at step 7: ask() threw: plugin_faulty fails on purpose in ask()"));
  CHECK_THAT(faulty.err, Contains("1 of 1 optimizer(s) failed a check"));
}
