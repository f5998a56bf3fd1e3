#pragma once
// Export of a Table for analysis (CSV) and back into the authors' pickle layout.
//
// write_csv(table, out, options) writes the whole table in long form: a header line, then one row
// per (class, lr, batch_size, seed, epoch 1..12) — or per cellcode with per_cellcode — with the
// columns
//   cellcode, class, hash, lr, batch_size, seed, epoch, <per-epoch columns>, <per-run columns>,
//   <per-config columns>
// in the table's column order within each group (standard ones first: train/valid/test acc,
// train/valid/test time; total_train_time, total_trainval_time, total_test_time; avg_acc_200).
// Per-run and per-config values are repeated on each of their rows. Numbers are in the shortest
// text that reads back to the same double. cellcode is the class representative: the canonical
// representative (core/canonical.hpp) of the member with the smallest canonical class index when
// it belongs to the class (always so for the authors' grouping), else the smallest member.
// Returns false on a write error (the caller owns `out` and its atomicity).
//
// write_pickle_layout(table, dir) writes dir/bench12.pkl, dir/cellinfo.pkl and
// dir/avgaccs200.pkl in the layout import_official reads (protocol 4; only dict, tuple, str,
// float and int; key tuples and hash strings are memoised). Hashes are written as str (the
// table's hash text), lr as float, batch_size and seed as int; per-epoch columns become
// name_0 .. name_11, per-run columns keep their names, per-config columns other than avg_acc_200
// become entries of avgaccs200 beside 'avg_acc'. import_official of the result gives a table with
// the same checksum(). All three files are written to temporaries first and renamed only when
// all are complete; on any failure DataError is thrown and none of them is created or replaced.

#include <nhb2/benchmark_api/table.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace nhb2 {

struct CsvOptions {
  bool per_cellcode = false;  // one row block per cellcode instead of per class
};

// The header's column names, in order.
std::vector<std::string> csv_header(const Table& table);
// Number of data rows write_csv writes.
std::size_t csv_row_count(const Table& table, const CsvOptions& options = {});
bool write_csv(const Table& table, std::FILE* out, const CsvOptions& options = {});

// The representative cellcode (cell index) of each table class, as used by write_csv.
std::vector<int> class_representatives(const Table& table);

void write_pickle_layout(const Table& table, const std::string& dir);

}  // namespace nhb2
