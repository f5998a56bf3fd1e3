#pragma once
// Import of the authors' NAS-HPO-Bench-II files (docs/import-export.md) into a Table.
//
// import_official(dir) reads dir/bench12.pkl, dir/cellinfo.pkl and dir/avgaccs200.pkl with the
// restricted pickle reader (nothing in them is ever executed) in the reference API's layout:
//   bench12[column][(hash, lr, batch_size, seed)]  cellinfo['hash'][cellcode] → hash
//   avgaccs200['avg_acc'][(hash, lr, batch_size)]
// Columns of bench12:
//   lr, batch_size, seed                 required; checked against the key, not stored
//   name_0 .. name_11 (all twelve)       one per-epoch column `name` (train_acc, valid_time,
//                                        train_loss, ...); the six acc/time families required
//   total_train_time, total_trainval_time, total_test_time   required per-run columns
//   any other numeric column             a per-run column under its own name
// Other numeric dicts of avgaccs200 keyed like avg_acc become per-config columns.
// Normalisation: a hash is kept as text — a str as is, an int in decimal, bytes as lowercase hex.
// lr must be on the grid (1e-9 relative), batch sizes on the grid; the seeds are the sorted
// distinct seeds of the keys. Numbers may be Python or numpy ints/floats.
// Classes: one per distinct hash, ordered by the smallest canonical class index (core/canonical)
// among the cellcodes mapping to it, so the authors' grouping gives exactly the canonical classes.
// A grouping that differs from the canonical rule is reported in ImportReport::warnings with an
// example cellcode pair, never refused.
// Completeness: all 4096 cellcodes, every (hash, lr, bs, seed) in every bench12 column, every
// (hash, lr, bs) in avg_acc, every value finite. Anything else throws DataError whose message
// starts with the file name and names the column and key (the first few, then a count).
// The table's source is {"official", "official (imported from DIR)"}.

#include <nhb2/benchmark_api/table.hpp>

#include <functional>
#include <string>
#include <vector>

namespace nhb2 {

struct ImportOptions {
  // Called with a stage name ("reading bench12.pkl", ...) and the fraction done (0..1) of the
  // whole import; called from the importing thread.
  std::function<void(const std::string& stage, double fraction)> progress;
};

struct ImportReport {
  std::vector<std::string> warnings;
  std::vector<std::string> extra_columns;  // kept columns beyond the standard ones
};

Table import_official(const std::string& dir, const ImportOptions& options = {},
                      ImportReport* report = nullptr);

}  // namespace nhb2
