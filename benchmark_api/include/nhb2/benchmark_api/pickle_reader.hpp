#pragma once
// A restricted, safe reader for the Python pickles of NAS-HPO-Bench-II (bench12.pkl, cellinfo.pkl,
// avgaccs200.pkl). It is a data parser, not an unpickler: it never calls anything, so a hostile
// pickle can at worst be refused.
//
// Accepted (protocols 0-5):
//   * values: None, bool, int (must fit in int64), float, str (UTF-8, lone surrogates allowed as
//     Python writes them), bytes (also Python 2 BINSTRING/SHORT_BINSTRING), tuple, list, dict;
//   * stack/memo/framing opcodes: PROTO, FRAME, STOP, MARK, POP, POP_MARK, DUP, PUT, BINPUT,
//     LONG_BINPUT, MEMOIZE, GET, BINGET, LONG_BINGET;
//   * protocol 0 text opcodes INT, LONG, FLOAT, UNICODE;
//   * exactly these globals, only as REDUCE callables:
//       numpy.core.multiarray.scalar / numpy._core.multiarray.scalar  (dtype, bytes) -> a number,
//       numpy.dtype(code[, align, copy]) with code f2/f4/f8, i1-i8, u1-u8, b1 (optionally prefixed
//         by a byte order) and BUILD with numpy's dtype state tuple (byte order at element 1),
//       _codecs.encode(str, 'latin1') and builtins.bytes() (__builtin__.bytes), which is how
//         Python 3 writes bytes at protocol <= 2 (numpy scalars pickled at protocol 2 need them).
//     A numpy scalar becomes an ordinary integer, real or boolean node. Its argument tuple and
//     data bytes (and, at protocol <= 2, the text and the pair that _codecs.encode turned into
//     those bytes) are fresh objects that Python never refers to again; when the data has 2 or
//     more bytes they are not kept, so a scalar costs what a plain number costs. (1-byte data and
//     1-char text may be objects CPython shares, which a pickle can refer to again: kept.)
// Refused (nhb2::DataError, nothing is executed): every other GLOBAL/STACK_GLOBAL (refused the
// moment the opcode is met), REDUCE on anything but the globals above, BUILD on anything but a
// dtype, NEWOBJ, NEWOBJ_EX, INST, OBJ, EXT1/2/4, PERSID, BINPERSID, sets, bytearrays, out-of-band
// buffers, Python 2 STRING; dtype objects or callables left in the data; unhashable dict keys;
// containers nested deeper than kMaxDepth or containing themselves; numpy scalars whose data
// length differs from the dtype's size, whose dtype is not one of the codes above (complex,
// datetime, str, void, object, structured), or whose arguments are not exactly (dtype, bytes);
// numpy.dtype() with other than 1 to 3 arguments or non-boolean/integer flags, and BUILD states
// that are not (version, byteorder, None, None, None, ...) with a byte order of < > = |; a memo
// reference to a scalar's argument tuple, data bytes or encoded text that was not kept.
// Errors: every malformed, truncated or hostile input throws nhb2::DataError whose message starts
// with the source name and gives the byte offset of the offending opcode, e.g.
//   "bench12.pkl: refused global 'os.system' at byte 17 (only numpy scalar/dtype are allowed)".
// Lengths are checked against the remaining input before anything is allocated, the parser does
// not recurse, and memory use is linear in the input size. parse_file() reads the file in
// windows, so the input itself never sits in memory whole (a window grows only to hold one item
// larger than it, such as a long string).
//
// The result is an arena Document: nodes are addressed by NodeId; a memo reference resolves to
// the same NodeId as the original object (dicts of dicts sharing tuple keys share the key nodes).
// Dict entries keep insertion order; duplicate keys are not merged.

#include <nhb2/benchmark_api/table.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nhb2::pickle {

enum class Kind : std::uint8_t { none, boolean, integer, real, string, bytes, tuple, list, dict };

// "none", "boolean", "integer", "real", "string", "bytes", "tuple", "list" or "dict".
const char* kind_name(Kind kind);

using NodeId = std::uint32_t;

// Deepest container nesting accepted (a top-level dict of dicts is depth 2).
inline constexpr std::size_t kMaxDepth = 1000;

namespace detail {
class Parser;
}

class Document {
 public:
  // An empty document whose root is None.
  Document();

  NodeId root() const { return root_; }
  Kind kind(NodeId id) const;
  // The accessors are strict about kinds and throw DataError naming the expected and actual kind.
  bool as_bool(NodeId id) const;
  std::int64_t as_int(NodeId id) const;         // integer only (not boolean)
  double as_real(NodeId id) const;              // real only
  double as_number(NodeId id) const;            // integer or real
  std::string_view as_string(NodeId id) const;  // string (UTF-8) or bytes; valid while *this lives
  std::size_t size(NodeId container) const;     // items of a tuple/list, entries of a dict
  NodeId item(NodeId container, std::size_t i) const;  // tuple/list element i
  NodeId key(NodeId dict, std::size_t i) const;        // dict entry i, insertion order
  NodeId value(NodeId dict, std::size_t i) const;
  // Short Python-like text of a value, depth- and length-limited, for error messages.
  std::string describe(NodeId id) const;

  const std::string& source_name() const { return source_; }
  std::size_t node_count() const { return kinds_.size(); }

 private:
  friend class detail::Parser;

  // Strings: [begin, begin+size) of chars_. Tuples/lists: size items at children_[begin...].
  // Dicts: size entries, key/value pairs interleaved at children_[begin...].
  struct Span {
    std::uint64_t begin;
    std::uint64_t size;
  };

  std::uint8_t raw_kind(NodeId id) const;
  const Span& container_span(NodeId id, Kind expected, Kind expected2) const;
  [[noreturn]] void kind_error(NodeId id, const char* expected) const;
  [[noreturn]] void index_error(NodeId id, std::size_t i) const;
  void describe_into(NodeId id, std::string& out, int depth) const;

  std::string source_;
  // The arrays of a big pickle reach hundreds of MB: they use the huge-page column allocator,
  // since first-touching them in 4 KiB pages dominated parsing (measured: 2.1 s of 2.5 s for a
  // 160 MB bench12.pkl on a virtual machine).
  template <typename T>
  using Array = std::vector<T, ColumnAllocator<T>>;
  Array<std::uint8_t> kinds_;     // Kind plus internal flag bits
  Array<std::uint64_t> payload_;  // bool/int64/double bits, or an index into spans_
  Array<Span> spans_;
  Array<NodeId> children_;
  Array<char> chars_;
  NodeId root_ = 0;
};

Document parse(const std::uint8_t* data, std::size_t size, const std::string& source_name);

// Bytes read from a file at a time by parse_file().
inline constexpr std::size_t kFileWindowBytes = std::size_t{16} << 20;

// Parses a file, reading it window_bytes at a time; DataError if it is missing or unreadable.
// The source name is the path; error offsets are file offsets, as for parse().
Document parse_file(const std::string& path, std::size_t window_bytes = kFileWindowBytes);

}  // namespace nhb2::pickle
