// nhb2 synth: write the built-in synthetic benchmark to a .nhb2 file.

#include "common.hpp"

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>

#include <iostream>

namespace nhb2::cli {

int run_synth(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("out", po::value<std::string>()->required()->value_name("FILE"),
                        "output .nhb2 file")(
      "seed", po::value<std::uint64_t>()->default_value(kDefaultSyntheticSeed)->value_name("N"),
      "generator seed");
  po::variables_map vm;
  if (!parse_options("synth", "--out FILE [--seed N]", options, {}, args, vm)) return 0;
  const std::string out = vm["out"].as<std::string>();
  const Table table = make_synthetic_table(vm["seed"].as<std::uint64_t>());
  write_nhb2(table, out);
  std::cout << "wrote " << out << ": " << table.source().description << ", checksum "
            << table.checksum() << "\n";
  return 0;
}

}  // namespace nhb2::cli
