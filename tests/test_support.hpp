#pragma once
// Helpers shared by the test files: paths to test data and running the nhb2 CLI.

#include <string>

namespace nhb2::test {

inline std::string data_path(const std::string& name) {
  return std::string(NHB2_TEST_DATA_DIR) + "/" + name;
}

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `nhb2 <args>` (args is shell text, quoted by the caller) with stdout and stderr captured.
// env is an optional shell prefix such as "NHB2_DATA=/tmp/x.nhb2".
CliResult run_cli(const std::string& args, const std::string& env = "");

// Runs a shell command line (bash) in which `nhb2` is the binary under test, e.g. a documented
// pipeline "nhb2 list --json | jq '.optimizers[0]'", with stdout and stderr captured.
CliResult run_shell(const std::string& command_line);

// A fresh empty directory under the system temp folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_text(const std::string& path);

}  // namespace nhb2::test
