#include "test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nhb2::test {

namespace {
std::atomic<int> counter{0};
}

TempDir::TempDir() {
  const auto base = std::filesystem::temp_directory_path();
  path_ = (base / ("nhb2-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
              .string();
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

// Runs `command` through the shell with stdout and stderr captured in files of `dir`.
CliResult run_cli_command(const std::string& command, const TempDir& dir) {
  const std::string out = dir.file("out.txt");
  const std::string err = dir.file("err.txt");
  const std::string line = command + " >'" + out + "' 2>'" + err + "' </dev/null";
  const int status = std::system(line.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

}  // namespace

CliResult run_cli(const std::string& args, const std::string& env) {
  TempDir dir;
  return run_cli_command(env + (env.empty() ? "" : " ") + "'" + NHB2_CLI_PATH + "' " + args, dir);
}

CliResult run_shell(const std::string& command_line) {
  TempDir dir;
  const std::string script = dir.file("script.sh");
  {
    std::ofstream file(script);
    file << "set -o pipefail\nnhb2() { '" << NHB2_CLI_PATH << "' \"$@\"; }\n"
         << command_line << "\n";
  }
  return run_cli_command("bash '" + script + "'", dir);
}

}  // namespace nhb2::test
