#pragma once
// Whole-file reads and atomic file writes.
//
// read_file(path) returns the bytes of a file; on failure it throws DataError
// "<path>: cannot read: <OS reason>".
//
// Atomic writes: a reader (or a resumed sweep) sees either the old file or the complete new one,
// never half of it. The bytes go to a unique temporary file in the same folder,
// `<path>.tmp-<pid>-<n>`, which is closed and then renamed over `path` (rename is atomic within
// one file system). On any failure the temporary file is removed, `path` is left untouched and
// DataError "<path>: cannot write: <what failed>: <OS reason>" is thrown. Data is not fsync'ed:
// the guarantee covers a killed process, not a power cut.
// atomic_temp_target() recognises those temporaries (and names the file each was meant to become)
// so that a resumed run can delete the ones a killed process left behind, and nothing else.

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace nhb2 {

std::string read_file(const std::string& path);

// A temporary file beside `path`, created on construction; commit() closes it and renames it over
// `path`. Destroyed without commit() (an exception on the way), it removes the temporary file.
// Several AtomicFiles committed one after another replace a set of files only when all of them
// were written completely.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

  void write(const void* data, std::size_t size);
  void write(std::string_view text) { write(text.data(), text.size()); }
  void commit();

 private:
  [[noreturn]] void fail(const std::string& what, int error_number);

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

void write_file_atomic(const std::string& path, std::string_view contents);
// The same for contents too large to hold in memory: `write` streams them into the open temporary
// file and returns false on a write error.
void write_file_atomic(const std::string& path, const std::function<bool(std::FILE*)>& write);

// A unique temporary name beside `path` (not created).
std::string atomic_temp_name(const std::string& path);
// Renames `temp` over `path`; on failure removes `temp` and throws DataError.
void commit_atomic(const std::string& temp, const std::string& path);

// For a name of the exact form `<target>.tmp-<digits>-<digits>`, the target name; else "".
std::string atomic_temp_target(const std::string& file_name);

}  // namespace nhb2
