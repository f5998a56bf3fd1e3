#pragma once
// Atomic file writes: a reader (or a resumed sweep) sees either the old file or the complete new
// one, never half of it.
//
// write_file_atomic(path, contents) writes to a unique temporary file in the same folder
// (`<path>.tmp-<pid>-<n>`), closes it and renames it over `path` (rename is atomic within one
// file system). On any failure it removes the temporary file, leaves `path` untouched and throws
// Error naming the path and the OS reason. Data is not fsync'ed: the guarantee covers a killed
// process, not a power cut.
// atomic_temp_target() recognises those temporaries (and names the file each was meant to become)
// so that a resumed run can delete the ones a killed process left behind, and nothing else.

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace nhb2 {

void write_file_atomic(const std::string& path, std::string_view contents);
// The same for contents too large to hold in memory: `write` streams them into the open temporary
// file and returns false on a write error.
void write_file_atomic(const std::string& path, const std::function<bool(std::FILE*)>& write);

// A unique temporary name beside `path` (not created).
std::string atomic_temp_name(const std::string& path);
// Renames `temp` over `path`; throws Error (and removes temp) on failure.
void commit_atomic(const std::string& temp, const std::string& path);

// For a name of the exact form `<target>.tmp-<digits>-<digits>`, the target name; else "".
std::string atomic_temp_target(const std::string& file_name);

}  // namespace nhb2
