// nhb2: benchmark joint NAS+HPO optimizers on NAS-HPO-Bench-II.

#include "common.hpp"

#include <nhb2/core/error.hpp>
#include <nhb2/core/suggest.hpp>
#include <nhb2/core/version.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

void print_usage(std::ostream& out) {
  out << "usage: nhb2 <command> [options]   (nhb2 <command> --help for its options)\n\n"
         "NAS-HPO-Bench-II: query the benchmark and run NAS+HPO optimizers against it.\n\n"
         "commands:\n";
  for (const auto& command : nhb2::cli::commands()) {
    std::string name = command.name;
    name.resize(13, ' ');
    out << "  " << name << command.summary << "\n";
  }
  out << "\nEvery command reads the built-in synthetic benchmark unless --data FILE (or\n"
         "$NHB2_DATA) names a .nhb2 file. Errors exit with status 2.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "nhb2 " << nhb2::kVersion << "\n";
    return 0;
  }
  const std::string name = args[0];
  args.erase(args.begin());
  try {
    std::vector<std::string> names;
    for (const auto& command : nhb2::cli::commands()) {
      if (name == command.name) return command.run(args);
      names.push_back(command.name);
    }
    throw nhb2::InvalidArgument("unknown command '" + name + "'" + nhb2::did_you_mean(name, names) +
                                "; commands: " + nhb2::join(names));
  } catch (const nhb2::Error& e) {
    std::cerr << "nhb2: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "nhb2: error: out of memory\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nhb2: internal error: " << e.what() << "\n";
    return 3;
  } catch (...) {
    std::cerr << "nhb2: internal error: an exception that is not a std::exception\n";
    return 3;
  }
}
