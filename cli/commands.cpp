#include "common.hpp"

namespace nhb2::cli {

int run_info(const std::vector<std::string>& args);
int run_cells(const std::vector<std::string>& args);
int run_query(const std::vector<std::string>& args);
int run_run(const std::vector<std::string>& args);
int run_list(const std::vector<std::string>& args);
int run_conformance(const std::vector<std::string>& args);
int run_synth(const std::vector<std::string>& args);
int run_sweep(const std::vector<std::string>& args);
int run_report(const std::vector<std::string>& args);
int run_import(const std::vector<std::string>& args);
int run_export(const std::vector<std::string>& args);
int run_pareto(const std::vector<std::string>& args);
int run_oracle(const std::vector<std::string>& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"info", "describe the benchmark data: source, dimensions, seeds, value ranges", run_info},
      {"cells", "cellcodes with their canonical class, params and FLOPs", run_cells},
      {"query", "look up one configuration's accuracy and cost", run_query},
      {"run", "run an optimizer for N runs and summarise the results", run_run},
      {"list", "list the optimizers with their parameters", run_list},
      {"conformance", "check optimizers (e.g. a plug-in's) against the ask/tell contract",
       run_conformance},
      {"synth", "write the synthetic benchmark to a .nhb2 file", run_synth},
      {"oracle", "the exact optimum of the table and each measure's distribution over the space",
       run_oracle},
      {"sweep", "run a YAML-configured comparison of optimizers (curves, table, plots)", run_sweep},
      {"report", "recompute a sweep's curves, summary and plots from its CSVs", run_report},
      {"import", "convert the authors' pickle files (bench12.pkl, ...) into a .nhb2 file",
       run_import},
      {"export", "write the table as long-form CSV or in the authors' pickle layout", run_export},
      {"pareto", "the exact Pareto front: valid accuracy against cost, params or FLOPs",
       run_pareto},
  };
  return all;
}

}  // namespace nhb2::cli
