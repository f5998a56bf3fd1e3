// Hostile and broken input files: every one must be refused with nhb2::DataError, quickly and
// without a large allocation, and without running anything. The guarantees and the table of cases
// are in docs/robustness.md.
//
// Each case runs in a forked child whose address space is capped (RLIMIT_AS: its current size
// + 1 GB), so a reader that tried to allocate what a crafted length declares would die there
// instead of passing. Sanitizer runtimes reserve terabytes of virtual memory, so in sanitizer
// builds the case runs in-process and the growth of the peak resident size is checked instead.

#include "test_support.hpp"

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/pickle_reader.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/hash.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NHB2_HOSTILE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define NHB2_HOSTILE_SANITIZED 1
#endif
#endif
#ifndef NHB2_HOSTILE_SANITIZED
#define NHB2_HOSTILE_SANITIZED 0
#endif

namespace {

// CPU seconds, not wall-clock seconds: a loaded machine must not fail the test, a reader that
// loops must. Generous: the readers refuse in milliseconds.
constexpr double kMaxSecondsPerCase = 2.0;
constexpr long kMaxExtraBytes = 1L << 30;  // 1 GB

enum class Outcome { data_error, other_nhb2_error, bad_alloc, other_exception, accepted };

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::data_error:
      return "DataError";
    case Outcome::other_nhb2_error:
      return "an nhb2::Error other than DataError";
    case Outcome::bad_alloc:
      return "std::bad_alloc";
    case Outcome::other_exception:
      return "a non-nhb2 exception";
    case Outcome::accepted:
      return "no error (the input was accepted)";
  }
  return "?";
}

Outcome run_and_classify(const std::function<void()>& parse, std::string& message) {
  try {
    parse();
    return Outcome::accepted;
  } catch (const nhb2::DataError& error) {
    message = error.what();
    return Outcome::data_error;
  } catch (const nhb2::Error& error) {
    message = error.what();
    return Outcome::other_nhb2_error;
  } catch (const std::bad_alloc&) {
    return Outcome::bad_alloc;
  } catch (const std::exception& error) {
    message = error.what();
    return Outcome::other_exception;
  }
}

long virtual_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0;
  statm >> pages;
  return pages * ::sysconf(_SC_PAGESIZE);
}

long peak_resident_bytes() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024L;
}

struct CaseResult {
  Outcome outcome = Outcome::accepted;
  std::string message;   // the error's text, or how the child died
  double seconds = 0.0;  // CPU time (user + system) of the parse
  bool memory_ok = true;
};

double cpu_seconds(const rusage& usage) {
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// Runs `parse` with a memory cap (see the file comment) and measures it.
CaseResult run_bounded(const std::function<void()>& parse) {
  CaseResult result;
  if (NHB2_HOSTILE_SANITIZED) {
    const long peak_before = peak_resident_bytes();
    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    result.outcome = run_and_classify(parse, result.message);
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);
    result.seconds = cpu_seconds(after) - cpu_seconds(before);
    result.memory_ok = peak_resident_bytes() - peak_before < kMaxExtraBytes;
  } else {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    std::fflush(nullptr);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(pipe_fds[0]);
      const rlim_t cap = static_cast<rlim_t>(virtual_memory_bytes() + kMaxExtraBytes);
      rlimit limit{cap, cap};
      ::setrlimit(RLIMIT_AS, &limit);
      std::string message;
      const Outcome outcome = run_and_classify(parse, message);
      message = message.substr(0, 4000);
      [[maybe_unused]] const auto ignored = ::write(pipe_fds[1], message.data(), message.size());
      ::_exit(static_cast<int>(outcome));
    }
    ::close(pipe_fds[1]);
    char buffer[4096];
    ::ssize_t got = 0;
    while ((got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
      result.message.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    rusage child_usage{};
    REQUIRE(::wait4(child, &status, 0, &child_usage) == child);
    result.seconds = cpu_seconds(child_usage);
    if (WIFEXITED(status)) {
      result.outcome = static_cast<Outcome>(WEXITSTATUS(status));
    } else {
      result.outcome = Outcome::other_exception;
      result.message = "the child was killed by signal " + std::to_string(WTERMSIG(status)) +
                       " (crash, or memory cap exceeded)";
    }
  }
  return result;
}

void require_refused(const std::function<void()>& parse) {
  const CaseResult result = run_bounded(parse);
  INFO("outcome: " << outcome_name(result.outcome) << ": " << result.message);
  CHECK(result.outcome == Outcome::data_error);
  CHECK(result.seconds < kMaxSecondsPerCase);
  CHECK(result.memory_ok);
}

// ---- Pickles, assembled opcode by opcode ----

std::string u32le(std::uint32_t v) {
  std::string s(4, '\0');
  std::memcpy(&s[0], &v, 4);
  return s;
}

std::string u64le(std::uint64_t v) {
  std::string s(8, '\0');
  std::memcpy(&s[0], &v, 8);
  return s;
}

std::string repeat(const std::string& piece, std::size_t times) {
  std::string s;
  s.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) s += piece;
  return s;
}

// SHORT_BINUNICODE of a short ASCII text, then MEMOIZE (protocol 4 style).
std::string short_text(const std::string& text) {
  return "\x8c" + std::string(1, static_cast<char>(text.size())) + text + "\x94";
}

// STACK_GLOBAL module.name called with one string argument through REDUCE.
std::string stack_global_call(const std::string& module, const std::string& name) {
  return "\x80\x04" + short_text(module) + short_text(name) + "\x93" + short_text("echo pwned") +
         "\x85R.";
}

void require_pickle_refused(const std::string& bytes) {
  require_refused([&] {
    nhb2::pickle::parse(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
                        "hostile.pkl");
  });
}

constexpr std::size_t kDeep = 100000;

}  // namespace

TEST_CASE("Hostile pickles that try to run code are refused", "[hostile]") {
  // Protocol 0/2 GLOBAL, protocol 4 STACK_GLOBAL, INST and OBJ: each names a callable.
  SECTION("os.system via GLOBAL and REDUCE (protocol 0)") {
    require_pickle_refused("cos\nsystem\n(S'echo pwned'\ntR.");
  }
  SECTION("posix.system via GLOBAL and REDUCE (protocol 2)") {
    require_pickle_refused(
        "\x80\x02"
        "cposix\nsystem\nq\x00X\x0a\x00\x00\x00"
        "echo pwned\x85R.");
  }
  SECTION("subprocess.Popen via STACK_GLOBAL") {
    require_pickle_refused(stack_global_call("subprocess", "Popen"));
  }
  SECTION("builtins.eval via STACK_GLOBAL") {
    require_pickle_refused(stack_global_call("builtins", "eval"));
  }
  SECTION("builtins.exec via STACK_GLOBAL") {
    require_pickle_refused(stack_global_call("builtins", "exec"));
  }
  SECTION("__builtin__.eval via GLOBAL (Python 2 name)") {
    require_pickle_refused("c__builtin__\neval\n(S'1'\ntR.");
  }
  SECTION("copyreg._reconstructor of an arbitrary class (protocol 0/1 __reduce__)") {
    require_pickle_refused(
        "ccopy_reg\n_reconstructor\n(c__main__\nEvil\nc__builtin__\nobject\nNtR.");
  }
  SECTION("NEWOBJ of an arbitrary class (protocol 2 __reduce__)") {
    require_pickle_refused(
        "\x80\x02"
        "c__main__\nEvil\n)\x81}b.");
  }
  SECTION("NEWOBJ without any global") {
    require_pickle_refused("\x80\x02))\x81.");
  }
  SECTION("INST os.system") {
    require_pickle_refused("(S'echo pwned'\nios\nsystem\n.");
  }
  SECTION("OBJ of os.system") {
    require_pickle_refused("(cos\nsystem\nS'echo pwned'\no.");
  }
  SECTION("REDUCE on a tuple instead of an allowed global") {
    require_pickle_refused("\x80\x02)))R.");
  }
  SECTION("persistent id") {
    require_pickle_refused("Pfoo\n.");
  }
  SECTION("extension registry code") {
    require_pickle_refused("\x80\x02\x82\x01.");
  }
}

TEST_CASE("Deeply nested pickles are refused without a stack overflow", "[hostile]") {
  SECTION("100,000 nested lists (EMPTY_LIST ... APPEND)") {
    require_pickle_refused("\x80\x02" + repeat("]", kDeep) + repeat("a", kDeep - 1) + ".");
  }
  SECTION("100,000 nested tuples (TUPLE1)") {
    require_pickle_refused("\x80\x02)" + repeat("\x85", kDeep) + ".");
  }
  SECTION("100,000 nested dicts (SETITEM)") {
    require_pickle_refused("\x80\x02}" + repeat("K\x01}", kDeep) + repeat("s", kDeep) + ".");
  }
  SECTION("100,000 MARKs") {
    require_pickle_refused("\x80\x02" + repeat("(", kDeep) + "N.");
  }
  SECTION("a list that contains itself") {
    require_pickle_refused(
        "\x80\x02]q\x00h\x00"
        "a.");
  }
}

TEST_CASE("Pickles declaring huge lengths are refused without allocating them", "[hostile]") {
  SECTION("BINUNICODE8 of 2^62 bytes") {
    require_pickle_refused("\x80\x04\x8d" + u64le(std::uint64_t{1} << 62) + "abc.");
  }
  SECTION("BINBYTES8 of 2^62 bytes") {
    require_pickle_refused("\x80\x04\x8e" + u64le(std::uint64_t{1} << 62) + "abc.");
  }
  SECTION("BINUNICODE8 of 2^64-1 bytes") {
    require_pickle_refused("\x80\x04\x8d" + u64le(~std::uint64_t{0}) + "abc.");
  }
  SECTION("BINUNICODE of 2^32-1 bytes") {
    require_pickle_refused("\x80\x03X" + u32le(0xffffffffu) + "abc.");
  }
  SECTION("BINBYTES of 2^32-1 bytes") {
    require_pickle_refused(
        "\x80\x03"
        "B" +
        u32le(0xffffffffu) + "abc.");
  }
  SECTION("LONG4 of 2^31-1 bytes") {
    require_pickle_refused("\x80\x02\x8b" + u32le(0x7fffffffu) + "\x01.");
  }
  SECTION("FRAME of 2^62 bytes") {
    require_pickle_refused("\x80\x04\x95" + u64le(std::uint64_t{1} << 62) + "N.");
  }
  SECTION("BYTEARRAY8 of 2^62 bytes") {
    require_pickle_refused("\x80\x05\x96" + u64le(std::uint64_t{1} << 62) + "abc.");
  }
}

TEST_CASE("Pickles with bad memo references are refused", "[hostile]") {
  SECTION("BINGET of an empty memo slot") {
    require_pickle_refused("\x80\x02h\x05.");
  }
  SECTION("LONG_BINGET 2^32-1") {
    require_pickle_refused("\x80\x02j\xff\xff\xff\xff.");
  }
  SECTION("LONG_BINPUT 2^32-1 (a memo that would need 4 G slots)") {
    require_pickle_refused("\x80\x02Nr\xff\xff\xff\xff.");
  }
  SECTION("GET with a 20-digit index") {
    require_pickle_refused(
        "N"
        "g99999999999999999999\n.");
  }
  SECTION("PUT with a 20-digit index") {
    require_pickle_refused(
        "N"
        "p99999999999999999999\n.");
  }
}

// ---- .nhb2 files ----

namespace {

void write_whole(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// The full-size synthetic table written once per test run, its bytes and section boundaries.
class FullFile {
 public:
  FullFile() {
    const nhb2::Table table = nhb2::make_synthetic_table();
    path_ = dir_.file("full.nhb2");
    nhb2::write_nhb2(table, path_);
    std::ifstream in(path_, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    info_ = nhb2::inspect_nhb2(path_);
    modified_path_ = dir_.file("modified.nhb2");
    write_whole(modified_path_, bytes_);
    scratch_ = bytes_;

    // docs/data-format.md: header, seeds, source kind, source description, class_of_cell, 4096
    // cell hashes, column directory, padding, payloads.
    std::uint64_t at = 56;
    add("magic", 8);
    add("header", at);
    at += 4 * table.seeds().size();
    add("seeds", at);
    at += 4 + table.source().kind.size();
    add("source kind", at);
    at += 4 + table.source().description.size();
    add("source description", at);
    at += 2 * nhb2::kNumCells;
    add("class_of_cell", at);
    add("first cell hash", at + 4 + table.cell_hash()[0].size());
    for (const auto& hash : table.cell_hash()) at += 4 + hash.size();
    add("cell hashes", at);
    add("first directory entry", at + 4 + info_.columns[0].name.size() + 17);
    for (const auto& column : info_.columns) at += 4 + column.name.size() + 17;
    add("column directory", at);
    // The payloads: cut at the start and in the middle of the first, second and last column (each
    // cut of a large file costs a checksum pass).
    for (const std::size_t i : {std::size_t{0}, std::size_t{1}, info_.columns.size() - 1}) {
      const auto& column = info_.columns[i];
      add("payload of " + column.name + " starts", column.byte_offset);
      add("mid-payload of " + column.name, column.byte_offset + column.byte_length / 2 + 3);
    }
    add("one byte short", bytes_.size() - 1);
  }

  const std::string& path() const { return path_; }
  const std::string& bytes() const { return bytes_; }
  const nhb2::Nhb2FileInfo& info() const { return info_; }
  // (name, offset) of every boundary, in increasing offset order.
  const std::vector<std::pair<std::string, std::uint64_t>>& boundaries() const {
    return boundaries_;
  }
  std::string file(const std::string& name) const { return dir_.file(name); }
  // A copy of the file on disk and in memory that an Edit changes and then restores.
  const std::string& modified_path() const { return modified_path_; }
  std::string& scratch() { return scratch_; }

 private:
  void add(const std::string& name, std::uint64_t offset) {
    boundaries_.emplace_back(name, offset);
  }

  nhb2::test::TempDir dir_;
  std::string path_;
  std::string bytes_;
  nhb2::Nhb2FileInfo info_;
  std::string modified_path_;
  std::string scratch_;
  std::vector<std::pair<std::string, std::uint64_t>> boundaries_;
};

FullFile& full_file() {
  static FullFile file;
  return file;
}

template <typename T>
void put(std::string& bytes, std::size_t offset, T value) {
  REQUIRE(offset + sizeof value <= bytes.size());
  std::memcpy(&bytes[offset], &value, sizeof value);
}

void require_nhb2_refused(const std::string& path) {
  require_refused([&] { nhb2::read_nhb2(path); });
  // inspect_nhb2 does not verify the payload checksum; it may accept, but only DataError may
  // escape it.
  const CaseResult inspected = run_bounded([&] { nhb2::inspect_nhb2(path); });
  INFO("inspect_nhb2: " << outcome_name(inspected.outcome) << ": " << inspected.message);
  CHECK((inspected.outcome == Outcome::data_error || inspected.outcome == Outcome::accepted));
  CHECK(inspected.seconds < kMaxSecondsPerCase);
}

// Byte changes to the full file, applied to the modified copy (on disk with pwrite, and in memory
// for the checksum) and undone afterwards, so no case rewrites 88 MB.
class Edit {
 public:
  template <typename T>
  Edit& set(std::size_t offset, T value) {
    std::string bytes(sizeof value, '\0');
    std::memcpy(&bytes[0], &value, sizeof value);
    return text(offset, bytes);
  }
  Edit& text(std::size_t offset, const std::string& bytes) {
    changes_.push_back({offset, bytes});
    return *this;
  }
  Edit& flip(std::size_t offset) {
    const char original = full_file().bytes().at(offset);
    return text(offset, std::string(1, static_cast<char>(original ^ 0x5a)));
  }
  // Bytes added at the end of the file.
  Edit& append(const std::string& bytes) {
    appended_ = bytes;
    return *this;
  }
  // Afterwards, makes the header's file_size and checksum consistent with the edited bytes, so a
  // reader gets past those two checks to the one the case is about.
  Edit& fix_size_and_checksum() {
    fix_ = true;
    return *this;
  }

  // Applies the edit, requires that the readers refuse the file, and undoes the edit.
  void require_refused() const;

 private:
  struct Change {
    std::size_t offset;
    std::string bytes;
  };
  std::vector<Change> changes_;
  std::string appended_;
  bool fix_ = false;
};

void Edit::require_refused() const {
  FullFile& f = full_file();
  std::string& scratch = f.scratch();
  const std::size_t size = f.bytes().size();
  std::vector<Change> applied = changes_;
  for (const Change& change : changes_) {
    REQUIRE(change.offset + change.bytes.size() <= size);
    scratch.replace(change.offset, change.bytes.size(), change.bytes);
  }
  scratch += appended_;
  if (fix_) {
    const std::uint64_t new_size = scratch.size();
    const std::uint64_t checksum = nhb2::xxh3_64(scratch.data() + 56, scratch.size() - 56);
    applied.push_back({16, std::string(reinterpret_cast<const char*>(&new_size), 8)});
    applied.push_back({24, std::string(reinterpret_cast<const char*>(&checksum), 8)});
  }
  const int fd = ::open(f.modified_path().c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  const auto write_at = [fd](std::size_t offset, const char* data, std::size_t count) {
    return ::pwrite(fd, data, count, static_cast<off_t>(offset)) == static_cast<::ssize_t>(count);
  };
  bool written = true;
  for (const Change& change : applied) {
    written = written && write_at(change.offset, change.bytes.data(), change.bytes.size());
  }
  written = written && write_at(size, appended_.data(), appended_.size());
  if (written) require_nhb2_refused(f.modified_path());
  // Undo, on disk and in memory.
  for (const Change& change : applied) {
    write_at(change.offset, f.bytes().data() + change.offset, change.bytes.size());
  }
  const bool restored = ::ftruncate(fd, static_cast<off_t>(size)) == 0;
  ::close(fd);
  for (const Change& change : changes_) {
    scratch.replace(change.offset, change.bytes.size(), f.bytes(), change.offset,
                    change.bytes.size());
  }
  scratch.resize(size);
  REQUIRE(written);
  REQUIRE(restored);
}

// Offset of the directory entry fields of column `index`.
struct EntryOffsets {
  std::size_t name_length, name, kind, byte_offset, byte_length;
};

EntryOffsets directory_entry(std::size_t index) {
  const FullFile& f = full_file();
  std::size_t at = 0;
  for (const auto& [name, offset] : f.boundaries()) {
    if (name == "cell hashes") at = offset;
  }
  for (std::size_t i = 0; i < index; ++i) at += 4 + f.info().columns[i].name.size() + 17;
  const std::size_t name_size = f.info().columns[index].name.size();
  return {at, at + 4, at + 4 + name_size, at + 5 + name_size, at + 13 + name_size};
}

}  // namespace

// The .nhb2 cases, one function per group; each group and case is a SECTION.
namespace {

void full_file_reads_back() {
  const FullFile& f = full_file();
  REQUIRE(f.bytes().size() == f.info().file_size);
  // The computed layout agrees with the file: the directory ends where the payloads start.
  std::uint64_t directory_end = 0;
  for (const auto& [name, offset] : f.boundaries()) {
    if (name == "column directory") directory_end = offset;
  }
  CHECK((directory_end + 7) / 8 * 8 == f.info().columns.front().byte_offset);
  CHECK(directory_entry(1).name_length == directory_entry(0).byte_length + 8);
  const CaseResult result = run_bounded([&] { nhb2::read_nhb2(f.path()); });
  INFO(result.message);
  CHECK(result.outcome == Outcome::accepted);
}

void truncated_files_are_refused() {
  const FullFile& f = full_file();
  const std::string path = f.file("truncated.nhb2");
  const std::string header = f.bytes().substr(0, 56);
  // Largest first, so one file is cut shorter and shorter without copying 88 MB each time.
  auto boundaries = f.boundaries();
  std::reverse(boundaries.begin(), boundaries.end());
  for (const auto& [name, offset] : boundaries) {
    for (const bool consistent_header : {false, true}) {
      if (consistent_header && offset < 56) continue;  // no header to make consistent
      // One named section per cut, so a failure says which file.
      DYNAMIC_SECTION(
          "cut at " << name << " (byte " << offset << ")"
                    << (consistent_header ? ", header file_size and checksum fixed" : "")) {
        // Catch runs one section per pass, in this order; restart from the full file if a
        // section was selected on its own.
        struct stat status {};
        if (::stat(path.c_str(), &status) != 0 ||
            static_cast<std::uint64_t>(status.st_size) < offset) {
          write_whole(path, f.bytes());
        }
        REQUIRE(::truncate(path.c_str(), static_cast<off_t>(offset)) == 0);
        std::string new_header = header.substr(0, std::min<std::uint64_t>(offset, 56));
        if (consistent_header) {
          put<std::uint64_t>(new_header, 16, offset);
          put<std::uint64_t>(new_header, 24, nhb2::xxh3_64(f.bytes().data() + 56, offset - 56));
        }
        const int fd = ::open(path.c_str(), O_WRONLY);
        REQUIRE(fd >= 0);
        const auto wrote = ::pwrite(fd, new_header.data(), new_header.size(), 0);
        ::close(fd);
        REQUIRE(wrote == static_cast<::ssize_t>(new_header.size()));
        require_nhb2_refused(path);
      }
    }
  }
}

void corrupt_headers_are_refused() {
  SECTION("every checksum byte flipped in turn") {
    for (std::size_t i = 24; i < 32; ++i) {
      INFO("byte " << i);
      Edit().flip(i).require_refused();
    }
  }
  SECTION("a metadata byte flipped (checksum mismatch)") {
    Edit().flip(1000).require_refused();
  }
  SECTION("the last payload byte flipped (checksum mismatch)") {
    Edit().flip(full_file().bytes().size() - 1).require_refused();
  }
  SECTION("bad magic") {
    Edit().text(0, "NHB2DAT\x01").require_refused();
  }
  SECTION("version 3") {
    Edit().set<std::uint32_t>(8, 3).require_refused();
  }
  SECTION("version 1 (legacy checksum) on a version-2 file") {
    Edit().set<std::uint32_t>(8, 1).require_refused();
  }
  SECTION("version 0") {
    Edit().set<std::uint32_t>(8, 0).require_refused();
  }
  SECTION("big-endian version and marker") {
    Edit().set<std::uint32_t>(8, 0x02000000u).set<std::uint32_t>(12, 0x04030201u).require_refused();
  }
  SECTION("bad endianness marker") {
    Edit().set<std::uint32_t>(12, 0xdeadbeefu).require_refused();
  }
  SECTION("file_size 2^63") {
    Edit().set<std::uint64_t>(16, std::uint64_t{1} << 63).require_refused();
  }
  SECTION("one byte appended") {
    Edit().append(std::string(1, '\0')).require_refused();
  }
  SECTION("one byte appended, file_size and checksum fixed") {
    Edit().append(std::string(1, '\0')).fix_size_and_checksum().require_refused();
  }
}

void absurd_dimensions_are_refused() {
  struct Field {
    const char* name;
    std::size_t offset;
    std::uint32_t value;
  };
  const Field fields[] = {
      {"num_classes 2^31", 32, 0x80000000u},
      {"num_classes 0", 32, 0},
      {"num_classes 4097", 32, 4097},
      {"num_classes 2^32-1", 32, 0xffffffffu},
      {"num_classes 1 (does not match the directory)", 32, 1},
      {"num_seeds 2^31", 36, 0x80000000u},
      {"num_seeds 0", 36, 0},
      {"num_epochs 200", 40, 200},
      {"num_columns 2^32-1", 44, 0xffffffffu},
      {"num_columns 0", 44, 0},
  };
  for (const Field& field : fields) {
    SECTION(field.name) {
      Edit().set<std::uint32_t>(field.offset, field.value).require_refused();
    }
  }
  SECTION("payload_offset 2^63") {
    Edit().set<std::uint64_t>(48, std::uint64_t{1} << 63).require_refused();
  }
  SECTION("payload_offset unaligned") {
    Edit().set<std::uint64_t>(48, full_file().info().columns[0].byte_offset + 4).require_refused();
  }
  SECTION("payload_offset 0") {
    Edit().set<std::uint64_t>(48, 0).require_refused();
  }
}

void crafted_metadata_is_refused() {
  const FullFile& f = full_file();
  const std::size_t last = f.info().columns.size() - 1;
  const auto boundary = [&](const std::string& wanted) {
    for (const auto& [name, offset] : f.boundaries()) {
      if (name == wanted) return static_cast<std::size_t>(offset);
    }
    FAIL("no boundary " << wanted);
    return std::size_t{0};
  };
  const std::size_t source_kind_at = 56 + 4 * f.info().seeds.size();
  Edit edit;
  SECTION("column byte length 2^62") {
    edit.set<std::uint64_t>(directory_entry(last).byte_length, std::uint64_t{1} << 62);
  }
  SECTION("column byte length beyond the file") {
    edit.set<std::uint64_t>(directory_entry(last).byte_length,
                            f.info().columns[last].byte_length + 8);
  }
  SECTION("column byte length 0") {
    edit.set<std::uint64_t>(directory_entry(0).byte_length, 0);
  }
  SECTION("column byte offset 2^63") {
    edit.set<std::uint64_t>(directory_entry(0).byte_offset, std::uint64_t{1} << 63);
  }
  SECTION("column byte offset inside the header") {
    edit.set<std::uint64_t>(directory_entry(1).byte_offset, 8);
  }
  SECTION("column kind 7") {
    edit.set<std::uint8_t>(directory_entry(0).kind, 7);
  }
  SECTION("standard column with the wrong kind") {
    edit.set<std::uint8_t>(directory_entry(0).kind, 2);
  }
  SECTION("column name length 2^32-1") {
    edit.set<std::uint32_t>(directory_entry(0).name_length, 0xffffffffu);
  }
  SECTION("duplicate column name") {
    // Every later column whose name has the first one's length gets that name.
    const std::string first = f.info().columns[0].name;
    for (std::size_t i = 1; i < f.info().columns.size(); ++i) {
      if (f.info().columns[i].name.size() == first.size())
        edit.text(directory_entry(i).name, first);
    }
  }
  SECTION("missing standard column (renamed)") {
    edit.text(directory_entry(0).name, std::string(f.info().columns[0].name.size(), 'x'));
  }
  SECTION("source kind length 2^31") {
    edit.set<std::uint32_t>(source_kind_at, 0x80000000u);
  }
  SECTION("source description length 2^32-1") {
    edit.set<std::uint32_t>(source_kind_at + 4 + f.info().source.kind.size(), 0xffffffffu);
  }
  SECTION("cell hash length 2^31") {
    edit.set<std::uint32_t>(boundary("class_of_cell"), 0x80000000u);
  }
  SECTION("a cellcode mapped to class 5000") {
    edit.set<std::int16_t>(boundary("source description") + 2 * 17, 5000);
  }
  SECTION("a cellcode mapped to class -1") {
    edit.set<std::int16_t>(boundary("source description"), -1);
  }
  SECTION("nonzero padding before the payloads") {
    const std::size_t directory_end = boundary("column directory");
    if (directory_end == f.info().columns[0].byte_offset) {
      WARN("the directory ends 8-aligned: no padding to corrupt");
      return;
    }
    edit.set<std::uint8_t>(directory_end, 1);
  }
  edit.fix_size_and_checksum().require_refused();
}

}  // namespace

// One test case, so that CTest (one process per test case) writes the 88 MB file only once.
TEST_CASE("Hostile .nhb2 files are refused", "[hostile]") {
  SECTION("the full-size file used by the cases reads back") {
    full_file_reads_back();
  }
  SECTION("truncated at every section boundary") {
    truncated_files_are_refused();
  }
  SECTION("corrupt headers") {
    corrupt_headers_are_refused();
  }
  SECTION("absurd dimensions") {
    absurd_dimensions_are_refused();
  }
  SECTION("crafted metadata and directory with a valid checksum") {
    crafted_metadata_is_refused();
  }
}
