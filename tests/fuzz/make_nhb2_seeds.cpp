// Writes the seed corpus of the nhb2_file fuzz target (tests/fuzz/corpus/nhb2_file/).
// A real table file is ~88 MB, far too big to commit or to fuzz, so the seeds are the smallest
// tables the format allows (1 or 2 classes, 1 seed: ~55-65 kB) plus prefixes of them; every
// header, metadata and directory rule still applies to them. The corpus also keeps v1_*.nhb2, the
// same seeds written by the format-version-1 writer, so the legacy reader stays fuzzed too.
// Usage: nhb2_make_fuzz_seeds OUTPUT_FOLDER   (target built on demand: EXCLUDE_FROM_ALL)

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/table.hpp>
#include <nhb2/core/error.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace {

nhb2::Table small_table(int num_classes, bool extra_column) {
  nhb2::Table table(num_classes, {222});
  for (int cell = 0; cell < nhb2::kNumCells; ++cell) {
    table.class_of_cell()[cell] = static_cast<std::int16_t>(cell % num_classes);
    table.cell_hash()[cell] = num_classes == 1 ? "" : "h" + std::to_string(cell % num_classes);
  }
  if (extra_column) table.add_column("train_loss", nhb2::ColumnKind::per_epoch);
  double value = 0.0;
  for (auto& column : table.columns()) {
    for (double& v : column.values) v = (value += 0.25);
  }
  table.source() = {"synthetic", "fuzz seed"};
  return table;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_FOLDER\n", argv[0]);
    return 2;
  }
  const std::string folder = argv[1];
  try {
    nhb2::write_nhb2(small_table(1, false), folder + "/one_class.nhb2");
    nhb2::write_nhb2(small_table(2, true), folder + "/two_classes_extra_column.nhb2");
    const std::string bytes = read_all(folder + "/one_class.nhb2");
    const nhb2::Nhb2FileInfo info = nhb2::inspect_nhb2(folder + "/one_class.nhb2");
    const std::size_t payload_offset = info.columns.front().byte_offset;
    write_all(folder + "/one_class_metadata_prefix.nhb2", bytes.substr(0, payload_offset));
    write_all(folder + "/one_class_header_only.nhb2", bytes.substr(0, 56));
    write_all(folder + "/magic_only.nhb2", bytes.substr(0, 8));
  } catch (const nhb2::Error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
  return 0;
}
