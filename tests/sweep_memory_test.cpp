// A sweep's memory does not grow with its runs or trajectory rows (sweep_results.hpp: runs keep
// an incumbent trace, trajectories.csv is streamed from the checkpoints): measured as the peak
// RSS of `nhb2 sweep` child processes (wait4), so other tests' allocations do not count; and the
// two pieces that bound it.

#include <nhb2/experiments/sweep_results.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

using namespace nhb2::test;

namespace {

// Peak resident set of `nhb2 args...`, in kB; fails the test when it does not exit with 0.
long peak_rss_kb(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string program = NHB2_CLI_PATH;
  argv.push_back(program.data());
  std::vector<std::string> owned = args;
  for (std::string& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Quiet child: the progress and the summary are not needed.
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(::wait4(child, &status, 0, &usage) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return usage.ru_maxrss;
}

std::string write_config(const TempDir& dir, int runs) {
  const std::string path = dir.file("sweep-" + std::to_string(runs) + ".yaml");
  std::ofstream(path) << "name: memory\nbudget: 200000\nruns: " << runs
                      << "\noptimizers:\n  - optimizer: random_search\n";
  return path;
}

}  // namespace

TEST_CASE("a sweep's peak memory does not grow with ten times the runs", "[sweep][memory]") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizers' quarantine keeps freed memory resident, which is what this test measures.
  SUCCEED("skipped under sanitizers");
#else
  TempDir dir;
  // 30 and 300 runs of ~780 queries each: the larger sweep writes ~230,000 trajectory rows
  // (45 MB of trajectories.csv). Holding every query (as sweeps did before the traces) costs
  // ~90 bytes of RSS per row, ~18 MB here; the traces cost a few hundred bytes per run.
  const auto sweep = [&](int runs) {
    return peak_rss_kb({"sweep", write_config(dir, runs), "--out",
                        dir.file("out-" + std::to_string(runs)), "--jobs", "1", "--quiet",
                        "--no-plots"});
  };
  const long small = sweep(30);
  const long large = sweep(300);
  INFO("peak RSS: 30 runs " << small << " kB, 300 runs " << large << " kB");
  CHECK(large - small < 5 * 1024);
#endif
}

TEST_CASE("an incumbent trace keeps the queries where the incumbent changes", "[sweep][memory]") {
  nhb2::RunRecord run;
  // total_cost 10, 20, 15 (x may dip: the curves count a query once x passed every earlier x),
  // 40, 50; the incumbent's accuracy changes at queries 0, 2 and 4.
  const double costs[] = {10, 20, 15, 40, 50};
  const double accs[] = {80, 80, 85, 85, 90};
  for (int i = 0; i < 5; ++i) {
    nhb2::QueryRecord q;
    q.total_cost = costs[i];
    q.wallclock = 2 * costs[i];
    q.incumbent_test_accs = {accs[i], accs[i] + 5};
    run.queries.push_back(q);
  }
  nhb2::trace_queries(run);
  nhb2::drop_queries(run);
  CHECK(run.queries.empty());
  const nhb2::IncumbentTrace& t = run.trace;
  CHECK(t.queries == 5);
  REQUIRE(t.steps.size() == 3);
  CHECK(t.steps[0].step == 0);
  CHECK(t.steps[1].step == 2);
  CHECK(t.steps[1].total_cost == 20);  // the running maximum, not query 2's 15
  CHECK(t.steps[1].wallclock == 40);
  CHECK(t.steps[1].test_accs[1] == 90);
  CHECK(t.steps[2].step == 4);
  CHECK(t.first_total_cost == 10);
  CHECK(t.last_total_cost == 50);
  CHECK(t.last_wallclock == 100);
}

TEST_CASE("trajectories.csv rows are a checkpoint's Q lines, and a changed checkpoint is refused",
          "[sweep][memory]") {
  const std::string checkpoint =
      "# nhb2 sweep checkpoint v2\n# R columns\nR,rs,0,1,2,10,budget,...\nQ,rs,0,0,a\nQ,rs,0,1,b\n"
      "END\n";
  std::string out = "head\n";
  nhb2::append_checkpoint_rows(out, checkpoint, 2, "runs/rs/0.csv");
  CHECK(out == "head\nrs,0,0,a\nrs,0,1,b\n");
  CHECK_THROWS_WITH(nhb2::append_checkpoint_rows(out, checkpoint, 3, "runs/rs/0.csv"),
                    Catch::Matchers::Contains("runs/rs/0.csv") &&
                        Catch::Matchers::Contains("holds 2 trajectory rows, expected 3"));
}
