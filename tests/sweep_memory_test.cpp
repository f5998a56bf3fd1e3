// A sweep's memory does not grow with its runs or trajectory rows (sweep_results.hpp: runs keep
// an incumbent trace, trajectories.csv is streamed from the checkpoints). Measured as the peak
// RSS of `nhb2 sweep` child processes (wait4), so other tests' allocations do not count.

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
