// nhb2 cells: the search space's cellcodes with their canonical class and model size.

#include "common.hpp"
#include "json.hpp"

#include <nhb2/core/canonical.hpp>
#include <nhb2/core/model_size.hpp>

#include <iostream>

namespace nhb2::cli {

int run_cells(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("cellcode", po::value<std::string>()->value_name("CELLCODE"),
                        "one cellcode such as 0|10|210 (default: all 4096)");
  add_json_option(options);
  po::positional_options_description positional;
  positional.add("cellcode", 1);
  po::variables_map vm;
  if (!parse_options("cells", "[CELLCODE] [--json]", options, positional, args, vm)) return 0;

  // Parse before printing anything, so a bad cellcode leaves stdout empty.
  const int only =
      vm.count("cellcode") ? parse_cellcode(vm["cellcode"].as<std::string>()).index() : -1;
  const CellClasses& classes = CellClasses::get();
  const int first = only >= 0 ? only : 0;
  const int end = only >= 0 ? only + 1 : kNumCells;
  if (json_requested(vm)) {
    Json cells = Json::array();
    for (int cell = first; cell < end; ++cell) {
      const Cell parsed = Cell::from_index(cell);
      const ModelSize size = model_size(parsed);
      cells.push_back({{"cellcode", format_cellcode(cell)},
                       {"representative", format_cellcode(classes.representative_of(cell))},
                       {"class", classes.class_of(cell)},
                       {"has_path", parsed.has_path()},
                       {"params", size.params},
                       {"flops_millions", size.flops_millions}});
    }
    print_json(cells);
    return 0;
  }
  std::cout << "cellcode\trepresentative\tclass\thas_path\tparams\tflops_m\n";
  auto print = [&](int cell) {
    const Cell parsed = Cell::from_index(cell);
    const ModelSize size = model_size(parsed);
    std::cout << format_cellcode(cell) << "\t" << format_cellcode(classes.representative_of(cell))
              << "\t" << classes.class_of(cell) << "\t" << (parsed.has_path() ? 1 : 0) << "\t"
              << size.params << "\t" << format_fixed(size.flops_millions, 6) << "\n";
  };
  for (int cell = first; cell < end; ++cell) print(cell);
  return 0;
}

}  // namespace nhb2::cli
