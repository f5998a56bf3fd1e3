#include <nhb2/benchmark_api/pickle_reader.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include <nhb2/core/error.hpp>

namespace nhb2::pickle {
namespace {

// Node kind bytes: the public Kind in the low bits, plus parse-time-only kinds and flags.
constexpr std::uint8_t kKindMask = 0x3f;
constexpr std::uint8_t kOpaqueFlag = 0x40;      // tuple holding a callable/dtype: REDUCE args only
constexpr std::uint8_t kUnhashableFlag = 0x80;  // tuple holding a list/dict: not a dict key
constexpr std::uint8_t kGlobalScalar = 9;       // numpy.core.multiarray.scalar
constexpr std::uint8_t kGlobalDtype = 10;       // numpy.dtype
constexpr std::uint8_t kGlobalEncode = 11;      // _codecs.encode
constexpr std::uint8_t kGlobalBytes = 12;       // builtins.bytes
constexpr std::uint8_t kDtype = 13;             // a numpy dtype object

constexpr auto kNoneKind = static_cast<std::uint8_t>(Kind::none);
constexpr auto kBoolKind = static_cast<std::uint8_t>(Kind::boolean);
constexpr auto kIntKind = static_cast<std::uint8_t>(Kind::integer);
constexpr auto kRealKind = static_cast<std::uint8_t>(Kind::real);
constexpr auto kStringKind = static_cast<std::uint8_t>(Kind::string);
constexpr auto kBytesKind = static_cast<std::uint8_t>(Kind::bytes);
constexpr auto kTupleKind = static_cast<std::uint8_t>(Kind::tuple);
constexpr auto kListKind = static_cast<std::uint8_t>(Kind::list);
constexpr auto kDictKind = static_cast<std::uint8_t>(Kind::dict);

// Every document starts with these shared nodes (Python's None/False/True/() are singletons too).
constexpr NodeId kNoneNode = 0;
constexpr NodeId kFalseNode = 1;
constexpr NodeId kTrueNode = 2;
constexpr NodeId kEmptyTupleNode = 3;

// Node ids stop below the two memo markers (kNoMemo, kFoldedMemo).
constexpr std::size_t kMaxNodes = std::numeric_limits<NodeId>::max() - 1;
constexpr std::size_t kMaxMarks = 2 * kMaxDepth;
constexpr std::size_t kMaxMemoGap = 1024;
constexpr std::size_t kDescribeLimit = 120;
constexpr int kDescribeDepth = 4;

inline std::uint8_t base_of(std::uint8_t raw) {
  return raw & kKindMask;
}
inline bool value_ok(std::uint8_t raw) {
  return (raw & kOpaqueFlag) == 0 && base_of(raw) <= kDictKind;
}
inline bool key_ok(std::uint8_t raw) {
  return value_ok(raw) && (raw & kUnhashableFlag) == 0 && base_of(raw) != kListKind &&
         base_of(raw) != kDictKind;
}
inline bool is_container(std::uint8_t raw) {
  const std::uint8_t b = base_of(raw);
  return b == kTupleKind || b == kListKind || b == kDictKind;
}

std::uint64_t load_le(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

std::uint64_t load_be(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// BINFLOAT is the hottest opcode of the benchmark pickles (one per dict value).
std::uint64_t load_be64(const std::uint8_t* p) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
#else
  return load_be(p, 8);
#endif
}

std::uint64_t double_bits(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

double bits_double(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

double half_to_double(std::uint16_t h) {
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  double v;
  if (exponent == 0) {
    v = std::ldexp(static_cast<double>(mantissa), -24);
  } else if (exponent == 31) {
    v = mantissa == 0 ? std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::quiet_NaN();
  } else {
    v = std::ldexp(static_cast<double>(mantissa | 0x400), exponent - 25);
  }
  return (h & 0x8000) ? -v : v;
}

// Well-formed UTF-8 as Python's pickle writes it ('surrogatepass': lone surrogates are allowed).
bool valid_utf8(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra;
    std::uint8_t lo = 0x80, hi = 0xbf;  // bounds of the first continuation byte
    if (c < 0xc2) {
      return false;
    } else if (c < 0xe0) {
      extra = 1;
    } else if (c < 0xf0) {
      extra = 2;
      if (c == 0xe0) lo = 0xa0;
    } else if (c < 0xf5) {
      extra = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (extra > n - i - 1) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k <= extra; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Text of untrusted bytes that is safe to put in a one-line message.
std::string printable(std::string_view s, std::size_t limit = 60) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// Python's repr(float): shortest round-trip digits, scientific below 1e-4 and from 1e16.
std::string python_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  std::string out;
  if (!s.empty() && s.front() == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  const std::size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = s.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= 0) {
      const auto int_len = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() <= int_len) {
        out += digits + std::string(int_len - digits.size(), '0') + ".0";
      } else {
        out += digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    } else {
      out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += ebuf;
  }
  return out;
}

void append_quoted(std::string_view s, bool is_bytes, std::string& out) {
  constexpr std::size_t kMaxChars = 40;
  if (is_bytes) out += 'b';
  out += '\'';
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i >= kMaxChars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f || (is_bytes && c >= 0x80)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '\'';
}

// Pickle opcodes.
enum Op : std::uint8_t {
  kMark = '(',
  kStop = '.',
  kPop = '0',
  kPopMark = '1',
  kDup = '2',
  kFloat = 'F',
  kInt = 'I',
  kBinInt = 'J',
  kBinInt1 = 'K',
  kLong = 'L',
  kBinInt2 = 'M',
  kNone = 'N',
  kPersId = 'P',
  kBinPersId = 'Q',
  kReduce = 'R',
  kString = 'S',
  kBinString = 'T',
  kShortBinString = 'U',
  kUnicode = 'V',
  kBinUnicode = 'X',
  kAppend = 'a',
  kBuild = 'b',
  kGlobal = 'c',
  kDict = 'd',
  kEmptyDict = '}',
  kAppends = 'e',
  kGet = 'g',
  kBinGet = 'h',
  kInst = 'i',
  kLongBinGet = 'j',
  kList = 'l',
  kEmptyList = ']',
  kObj = 'o',
  kPut = 'p',
  kBinPut = 'q',
  kLongBinPut = 'r',
  kSetItem = 's',
  kTuple = 't',
  kEmptyTuple = ')',
  kSetItems = 'u',
  kBinFloat = 'G',
  kProto = 0x80,
  kNewObj = 0x81,
  kExt1 = 0x82,
  kExt2 = 0x83,
  kExt4 = 0x84,
  kTuple1 = 0x85,
  kTuple2 = 0x86,
  kTuple3 = 0x87,
  kNewTrue = 0x88,
  kNewFalse = 0x89,
  kLong1 = 0x8a,
  kLong4 = 0x8b,
  kBinBytes = 'B',
  kShortBinBytes = 'C',
  kShortBinUnicode = 0x8c,
  kBinUnicode8 = 0x8d,
  kBinBytes8 = 0x8e,
  kEmptySet = 0x8f,
  kAddItems = 0x90,
  kFrozenSet = 0x91,
  kNewObjEx = 0x92,
  kStackGlobal = 0x93,
  kMemoize = 0x94,
  kFrame = 0x95,
  kByteArray8 = 0x96,
  kNextBuffer = 0x97,
  kReadonlyBuffer = 0x98,
};

struct OpName {
  std::uint8_t code;
  const char* name;
};
constexpr OpName kOpNames[] = {
    {kMark, "MARK"},
    {kStop, "STOP"},
    {kPop, "POP"},
    {kPopMark, "POP_MARK"},
    {kDup, "DUP"},
    {kFloat, "FLOAT"},
    {kInt, "INT"},
    {kBinInt, "BININT"},
    {kBinInt1, "BININT1"},
    {kLong, "LONG"},
    {kBinInt2, "BININT2"},
    {kNone, "NONE"},
    {kPersId, "PERSID"},
    {kBinPersId, "BINPERSID"},
    {kReduce, "REDUCE"},
    {kString, "STRING"},
    {kBinString, "BINSTRING"},
    {kShortBinString, "SHORT_BINSTRING"},
    {kUnicode, "UNICODE"},
    {kBinUnicode, "BINUNICODE"},
    {kAppend, "APPEND"},
    {kBuild, "BUILD"},
    {kGlobal, "GLOBAL"},
    {kDict, "DICT"},
    {kEmptyDict, "EMPTY_DICT"},
    {kAppends, "APPENDS"},
    {kGet, "GET"},
    {kBinGet, "BINGET"},
    {kInst, "INST"},
    {kLongBinGet, "LONG_BINGET"},
    {kList, "LIST"},
    {kEmptyList, "EMPTY_LIST"},
    {kObj, "OBJ"},
    {kPut, "PUT"},
    {kBinPut, "BINPUT"},
    {kLongBinPut, "LONG_BINPUT"},
    {kSetItem, "SETITEM"},
    {kTuple, "TUPLE"},
    {kEmptyTuple, "EMPTY_TUPLE"},
    {kSetItems, "SETITEMS"},
    {kBinFloat, "BINFLOAT"},
    {kProto, "PROTO"},
    {kNewObj, "NEWOBJ"},
    {kExt1, "EXT1"},
    {kExt2, "EXT2"},
    {kExt4, "EXT4"},
    {kTuple1, "TUPLE1"},
    {kTuple2, "TUPLE2"},
    {kTuple3, "TUPLE3"},
    {kNewTrue, "NEWTRUE"},
    {kNewFalse, "NEWFALSE"},
    {kLong1, "LONG1"},
    {kLong4, "LONG4"},
    {kBinBytes, "BINBYTES"},
    {kShortBinBytes, "SHORT_BINBYTES"},
    {kShortBinUnicode, "SHORT_BINUNICODE"},
    {kBinUnicode8, "BINUNICODE8"},
    {kBinBytes8, "BINBYTES8"},
    {kEmptySet, "EMPTY_SET"},
    {kAddItems, "ADDITEMS"},
    {kFrozenSet, "FROZENSET"},
    {kNewObjEx, "NEWOBJ_EX"},
    {kStackGlobal, "STACK_GLOBAL"},
    {kMemoize, "MEMOIZE"},
    {kFrame, "FRAME"},
    {kByteArray8, "BYTEARRAY8"},
    {kNextBuffer, "NEXT_BUFFER"},
    {kReadonlyBuffer, "READONLY_BUFFER"},
};

const char* opcode_name(std::uint8_t op) {
  for (const OpName& o : kOpNames) {
    if (o.code == op) return o.name;
  }
  return "?";
}

// A numpy dtype object as far as scalars need it; packed into a node payload.
struct DType {
  char letter = 0;        // 'f', 'i', 'u' or 'b'
  std::uint8_t size = 0;  // bytes per element
  bool big_endian = false;

  std::uint64_t pack() const {
    return static_cast<std::uint64_t>(static_cast<unsigned char>(letter)) |
           (static_cast<std::uint64_t>(size) << 8) | (static_cast<std::uint64_t>(big_endian) << 16);
  }
  static DType unpack(std::uint64_t v) {
    DType d;
    d.letter = static_cast<char>(v & 0xff);
    d.size = static_cast<std::uint8_t>((v >> 8) & 0xff);
    d.big_endian = ((v >> 16) & 1) != 0;
    return d;
  }
};

// The node kind and payload of a numpy scalar of dtype d (not b1) from its d.size data bytes;
// false for a uint64 beyond int64.
bool scalar_value(const DType& d, const std::uint8_t* raw, std::uint8_t& kind,
                  std::uint64_t& value) {
  const std::uint64_t bits = d.big_endian ? load_be(raw, d.size) : load_le(raw, d.size);
  kind = kRealKind;
  value = bits;
  switch (d.letter) {
    case 'f':
      if (d.size == 4) {
        float f;
        const auto b32 = static_cast<std::uint32_t>(bits);
        std::memcpy(&f, &b32, sizeof f);
        value = double_bits(static_cast<double>(f));
      } else if (d.size == 2) {
        value = double_bits(half_to_double(static_cast<std::uint16_t>(bits)));
      }
      return true;
    case 'i': {
      const unsigned shift = 64 - 8 * d.size;
      // Sign-extend through the top bits.
      kind = kIntKind;
      value = static_cast<std::uint64_t>(static_cast<std::int64_t>(bits << shift) >> shift);
      return true;
    }
    default:  // 'u'
      kind = kIntKind;
      return bits <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  }
}

bool parse_dtype_code(std::string_view code, DType& out) {
  if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '=' || code[0] == '|')) {
    out.big_endian = code[0] == '>';
    code.remove_prefix(1);
  }
  if (code.size() != 2 || code[1] < '1' || code[1] > '8') return false;
  out.letter = code[0];
  out.size = static_cast<std::uint8_t>(code[1] - '0');
  switch (out.letter) {
    case 'f':
      return out.size == 2 || out.size == 4 || out.size == 8;
    case 'i':
    case 'u':
      return out.size == 1 || out.size == 2 || out.size == 4 || out.size == 8;
    case 'b':
      return out.size == 1;
    default:
      return false;
  }
}

}  // namespace

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::none:
      return "none";
    case Kind::boolean:
      return "boolean";
    case Kind::integer:
      return "integer";
    case Kind::real:
      return "real";
    case Kind::string:
      return "string";
    case Kind::bytes:
      return "bytes";
    case Kind::tuple:
      return "tuple";
    case Kind::list:
      return "list";
    case Kind::dict:
      return "dict";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Document

Document::Document() {
  kinds_ = {kNoneKind, kBoolKind, kBoolKind, kTupleKind};
  payload_ = {0, 0, 1, 0};
  spans_.push_back({0, 0});  // the empty tuple
}

std::uint8_t Document::raw_kind(NodeId id) const {
  if (id >= kinds_.size()) {
    throw DataError(source_ + ": no node " + std::to_string(id) + " (the document has " +
                    std::to_string(kinds_.size()) + ")");
  }
  return kinds_[id];
}

Kind Document::kind(NodeId id) const {
  return static_cast<Kind>(base_of(raw_kind(id)));
}

void Document::kind_error(NodeId id, const char* expected) const {
  throw DataError(source_ + ": expected " + expected + ", found " + kind_name(kind(id)) + " " +
                  describe(id) + " (node " + std::to_string(id) + ")");
}

void Document::index_error(NodeId id, std::size_t i) const {
  throw DataError(source_ + ": index " + std::to_string(i) + " is out of range for " +
                  kind_name(kind(id)) + " of size " + std::to_string(size(id)) + " (node " +
                  std::to_string(id) + ")");
}

bool Document::as_bool(NodeId id) const {
  if (base_of(raw_kind(id)) != kBoolKind) kind_error(id, "a boolean");
  return payload_[id] != 0;
}

std::int64_t Document::as_int(NodeId id) const {
  if (base_of(raw_kind(id)) != kIntKind) kind_error(id, "an integer");
  return static_cast<std::int64_t>(payload_[id]);
}

double Document::as_real(NodeId id) const {
  if (base_of(raw_kind(id)) != kRealKind) kind_error(id, "a real");
  return bits_double(payload_[id]);
}

double Document::as_number(NodeId id) const {
  const std::uint8_t k = base_of(raw_kind(id));
  if (k == kRealKind) return bits_double(payload_[id]);
  if (k == kIntKind) return static_cast<double>(static_cast<std::int64_t>(payload_[id]));
  kind_error(id, "a number (integer or real)");
}

std::string_view Document::as_string(NodeId id) const {
  const std::uint8_t k = base_of(raw_kind(id));
  if (k != kStringKind && k != kBytesKind) kind_error(id, "a string or bytes");
  const Span& s = spans_[payload_[id]];
  return std::string_view(chars_.data() + s.begin, s.size);
}

const Document::Span& Document::container_span(NodeId id, Kind expected, Kind expected2) const {
  const auto k = static_cast<Kind>(base_of(raw_kind(id)));
  if (k != expected && k != expected2) {
    if (expected == Kind::dict) kind_error(id, "a dict");
    if (expected2 == Kind::dict) kind_error(id, "a tuple, list or dict");
    kind_error(id, "a tuple or list");
  }
  return spans_[payload_[id]];
}

std::size_t Document::size(NodeId container) const {
  const auto k = static_cast<Kind>(base_of(raw_kind(container)));
  if (k == Kind::dict) return container_span(container, Kind::dict, Kind::dict).size;
  return container_span(container, Kind::tuple, k == Kind::list ? Kind::list : Kind::dict).size;
}

NodeId Document::item(NodeId container, std::size_t i) const {
  const auto k = static_cast<Kind>(base_of(raw_kind(container)));
  const Span& s =
      container_span(container, Kind::tuple, k == Kind::list ? Kind::list : Kind::tuple);
  if (i >= s.size) index_error(container, i);
  return children_[s.begin + i];
}

NodeId Document::key(NodeId dict, std::size_t i) const {
  const Span& s = container_span(dict, Kind::dict, Kind::dict);
  if (i >= s.size) index_error(dict, i);
  return children_[s.begin + 2 * i];
}

NodeId Document::value(NodeId dict, std::size_t i) const {
  const Span& s = container_span(dict, Kind::dict, Kind::dict);
  if (i >= s.size) index_error(dict, i);
  return children_[s.begin + 2 * i + 1];
}

std::string Document::describe(NodeId id) const {
  std::string out;
  describe_into(id, out, 0);
  if (out.size() > kDescribeLimit) {
    out.resize(kDescribeLimit);
    out += "...";
  }
  return out;
}

void Document::describe_into(NodeId id, std::string& out, int depth) const {
  if (id >= kinds_.size()) {
    out += "<no node " + std::to_string(id) + ">";
    return;
  }
  const std::uint8_t k = base_of(kinds_[id]);
  switch (k) {
    case kNoneKind:
      out += "None";
      return;
    case kBoolKind:
      out += payload_[id] ? "True" : "False";
      return;
    case kIntKind:
      out += std::to_string(static_cast<std::int64_t>(payload_[id]));
      return;
    case kRealKind:
      out += python_float(bits_double(payload_[id]));
      return;
    case kStringKind:
    case kBytesKind: {
      const Span& s = spans_[payload_[id]];
      append_quoted(std::string_view(chars_.data() + s.begin, s.size), k == kBytesKind, out);
      return;
    }
    case kTupleKind:
    case kListKind:
    case kDictKind:
      break;
    case kDtype:
      out += "<numpy dtype>";
      return;
    default:
      out += "<global>";
      return;
  }
  const char open = k == kTupleKind ? '(' : k == kListKind ? '[' : '{';
  const char close = k == kTupleKind ? ')' : k == kListKind ? ']' : '}';
  const Span& s = spans_[payload_[id]];
  out += open;
  if (depth >= kDescribeDepth && s.size > 0) {
    out += "...";
  } else {
    for (std::uint64_t i = 0; i < s.size; ++i) {
      if (i > 0) out += ", ";
      if (out.size() > kDescribeLimit) {
        out += "...";
        break;
      }
      if (k == kDictKind) {
        describe_into(children_[s.begin + 2 * i], out, depth + 1);
        out += ": ";
        describe_into(children_[s.begin + 2 * i + 1], out, depth + 1);
      } else {
        describe_into(children_[s.begin + i], out, depth + 1);
      }
    }
    if (k == kTupleKind && s.size == 1) out += ',';
  }
  out += close;
}

// ---------------------------------------------------------------------------------------------
// Parser

namespace detail {

constexpr NodeId kNoMemo = std::numeric_limits<NodeId>::max();
constexpr NodeId kFoldedMemo = kNoMemo - 1;  // an intermediate of a folded numpy scalar

struct FreeColumnMemory {
  void operator()(void* p) const { free_column_memory(p); }
};
using WindowBuffer = std::unique_ptr<std::uint8_t[], FreeColumnMemory>;

// A file read in windows of `capacity` bytes (more when one item needs more).
struct FileWindow {
  std::ifstream in;
  std::uint64_t total = 0;  // file size
  WindowBuffer buffer;
  std::size_t capacity = 0;
};

// A growing array whose elements never move: block k holds 2^(k + kFirstBits) of them, so
// growing to tens of millions of elements neither copies them nor holds them twice; large blocks
// get huge pages.
template <typename T>
class BlockArray {
 public:
  BlockArray() = default;
  BlockArray(const BlockArray&) = delete;
  BlockArray& operator=(const BlockArray&) = delete;
  BlockArray(BlockArray&& other) noexcept
      : blocks_(std::move(other.blocks_)), size_(other.size_), capacity_(other.capacity_) {
    other.blocks_.clear();
    other.size_ = other.capacity_ = 0;
  }
  BlockArray& operator=(BlockArray&& other) noexcept {
    std::swap(blocks_, other.blocks_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }
  ~BlockArray() {
    for (T* block : blocks_) free_column_memory(block);
  }

  std::uint64_t size() const { return size_; }
  T& operator[](std::uint64_t i) {
    const std::uint64_t j = i + kFirst;
    const int k = 63 - __builtin_clzll(j) - kFirstBits;
    return blocks_[static_cast<std::size_t>(k)][j - (kFirst << k)];
  }
  const T& operator[](std::uint64_t i) const { return const_cast<BlockArray&>(*this)[i]; }
  T& back() { return (*this)[size_ - 1]; }
  void push_back(const T& value) {
    if (size_ == capacity_) {
      const std::uint64_t n = kFirst << blocks_.size();
      blocks_.reserve(blocks_.size() + 1);
      blocks_.push_back(static_cast<T*>(allocate_column_memory(n * sizeof(T))));
      capacity_ += n;
    }
    (*this)[size_++] = value;
  }
  void pop_back() { --size_; }

 private:
  static constexpr int kFirstBits = 10;
  static constexpr std::uint64_t kFirst = std::uint64_t{1} << kFirstBits;
  std::vector<T*> blocks_;
  std::uint64_t size_ = 0;
  std::uint64_t capacity_ = 0;
};

// The memo table: index -> node, kNoMemo for a hole, kFoldedMemo for a folded scalar's
// intermediate. A big numpy pickle memoizes 3-5 intermediates per number that are never fetched
// again, so the table is compact while the pickle writes it in order as Python does: a kept/folded
// bit pair per index and the kept nodes in index order, ~5 bytes per kept entry and 2 bits per
// other. Writes out of order (only a hand-made pickle does them) switch it, once, to a plain
// array of 4 bytes per index.
class Memo {
 public:
  std::uint64_t size() const { return size_; }

  NodeId get(std::uint64_t i) const {
    if (i >= size_) return kNoMemo;
    if (dense_) return values_[i];
    if (i < kHead) return head_[i];
    const Word& w = words_[(i - kHead) >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (i & 63);
    if (w.kept & bit) return values_[w.rank + popcount(w.kept & (bit - 1))];
    return (w.folded & bit) ? kFoldedMemo : kNoMemo;
  }

  // Appends n kFoldedMemo slots.
  void append_folded(std::uint64_t n) {
    if (dense_) {
      for (; n > 0; --n, ++size_) values_.push_back(kFoldedMemo);
      return;
    }
    for (; n > 0; --n, ++size_) {
      if (size_ < kHead) {
        head_[size_] = kFoldedMemo;
        continue;
      }
      if ((size_ & 63) == 0) words_.push_back(Word{0, 0, values_.size()});
      words_.back().folded |= std::uint64_t{1} << (size_ & 63);
    }
  }

  // v: a node or kFoldedMemo. Slots between the old size and i become holes.
  void set(std::uint64_t i, NodeId v) {
    if (dense_) {
      while (size_ <= i) {
        values_.push_back(kNoMemo);
        ++size_;
      }
      values_[i] = v;
      return;
    }
    if (i < kHead) {
      while (size_ <= i) head_[size_++] = kNoMemo;
      head_[i] = v;
      return;
    }
    if (i == size_ && v != kFoldedMemo) {  // the common case: Python appends
      if ((i & 63) == 0) words_.push_back(Word{0, 0, values_.size()});
      words_.back().kept |= std::uint64_t{1} << (i & 63);
      values_.push_back(v);
      ++size_;
      return;
    }
    while (size_ < kHead) head_[size_++] = kNoMemo;
    if (i >= size_) {
      while (words_.size() <= ((i - kHead) >> 6)) words_.push_back(Word{0, 0, values_.size()});
      size_ = i + 1;
    }
    Word& w = words_[(i - kHead) >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (i & 63);
    const std::uint64_t later =
        words_.size() - 1 - ((i - kHead) >> 6);  // words whose rank counts slot i
    const std::uint64_t pos = w.rank + popcount(w.kept & (bit - 1));
    if (w.kept & bit) {
      if (v != kFoldedMemo) {
        values_[pos] = v;
        return;
      }
      if (pos + 1 != values_.size() || later > kMaxLater) return to_dense(i, v);
      values_.pop_back();
      w.kept &= ~bit;
      w.folded |= bit;
      for (std::uint64_t k = 1; k <= later; ++k) --words_[((i - kHead) >> 6) + k].rank;
      return;
    }
    if (v == kFoldedMemo) {
      w.folded |= bit;
      return;
    }
    if (pos != values_.size() || later > kMaxLater) return to_dense(i, v);
    values_.push_back(v);
    w.kept |= bit;
    w.folded &= ~bit;
    for (std::uint64_t k = 1; k <= later; ++k) ++words_[((i - kHead) >> 6) + k].rank;
  }

 private:
  struct Word {
    std::uint64_t kept;
    std::uint64_t folded;
    std::uint64_t rank;  // kept slots before this word
  };
  static constexpr std::uint64_t kMaxLater = 2;

  // Inline: without -mpopcnt, __builtin_popcountll is a library call, which showed in profiles.
  static std::uint64_t popcount(std::uint64_t x) {
    x -= (x >> 1) & 0x5555555555555555u;
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (x * 0x0101010101010101u) >> 56;
  }

  void to_dense(std::uint64_t i, NodeId v) {
    BlockArray<NodeId> dense;
    for (std::uint64_t k = 0; k < size_; ++k) dense.push_back(get(k));
    values_ = std::move(dense);
    words_ = BlockArray<Word>();
    dense_ = true;
    set(i, v);
  }

  // The first kHead slots (where Python memoizes the numpy callables and dtypes, fetched for
  // every scalar) are a plain array; words_ describe the slots from kHead on.
  static constexpr std::uint64_t kHead = 4096;
  NodeId head_[kHead];
  bool dense_ = false;
  BlockArray<Word> words_;     // compact only
  BlockArray<NodeId> values_;  // compact: the kept nodes in index order; dense: every slot
  std::uint64_t size_ = 0;
};

class Parser {
 public:
  // `data` holds the first `size` bytes of the input; `file`, when given, the rest.
  Parser(const std::uint8_t* data, std::size_t size, const std::string& source,
         FileWindow* file = nullptr);
  Document run();
  // Reports running out of memory (the input is hostile or too big) as a DataError.
  [[noreturn]] void fail_out_of_memory() const {
    fail_at(op_, "out of memory while reading the pickle");
  }

 private:
  // A list/dict under construction: its items arrive in batches (APPENDS/SETITEMS), possibly
  // interleaved with other containers, so they live in a chain of segments of children_.
  struct Builder {
    NodeId node;
    std::uint32_t first_segment;
    std::uint32_t last_segment;
    std::uint64_t slots;  // children_ entries (dict: 2 per entry)
  };
  struct Segment {
    std::uint64_t begin;
    std::uint64_t count;
    std::uint32_t next;
  };
  static constexpr std::uint32_t kNoSegment = std::numeric_limits<std::uint32_t>::max();

  [[noreturn]] void fail_at(std::size_t offset, const std::string& what,
                            const std::string& detail = {}) const;
  [[noreturn]] void fail(const std::string& what) const { fail_at(op_, what); }
  [[noreturn]] void fail_truncated(std::uint64_t wanted) const;
  [[noreturn]] void refuse(const char* opcode, const std::string& why) const;

  // The next n bytes of input; valid until the next take() or take_line().
  const std::uint8_t* take(std::uint64_t n) {
    if (n > end_ - pos_) {
      if (n > remaining()) fail_truncated(n);
      refill(n);
    }
    const std::uint8_t* p = data_ + pos_;
    pos_ += static_cast<std::size_t>(n);
    return p;
  }
  std::string_view take_line();
  // Input bytes not yet taken (in the window or still in the file).
  std::uint64_t remaining() const { return total_ - window_offset_ - pos_; }
  // Makes at least `wanted` (<= remaining()) bytes available from pos_ on.
  void refill(std::uint64_t wanted);
  std::size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  void need(std::size_t n) const {
    if (stack_.size() - base() < n) fail_underflow(n);
  }
  [[noreturn]] void fail_underflow(std::size_t n) const;
  std::size_t pop_mark();

  NodeId add_node(std::uint8_t kind, std::uint64_t payload) {
    if (kinds_.size() >= kMaxNodes) fail("too many values in one pickle");
    kinds_.push_back(kind);
    payload_.push_back(payload);
    return static_cast<NodeId>(kinds_.size() - 1);
  }
  NodeId add_int(std::int64_t v) { return add_node(kIntKind, static_cast<std::uint64_t>(v)); }
  NodeId add_real(double v) { return add_node(kRealKind, double_bits(v)); }
  NodeId add_chars(std::uint8_t kind, const char* p, std::size_t n);
  NodeId add_text(const std::uint8_t* p, std::size_t n);
  NodeId add_internal(std::uint8_t kind, std::uint64_t payload) {
    const NodeId id = add_node(kind, payload);
    internal_nodes_.push_back(id);
    return id;
  }
  NodeId make_tuple(std::size_t from);
  NodeId new_mutable(std::uint8_t kind);
  void extend(NodeId container, std::size_t from, const char* opcode);
  std::string what(NodeId id) const;
  const Document::Span& tuple_span(NodeId id) const { return spans_[payload_[id]]; }
  std::string_view chars_of(NodeId id) const {
    const Document::Span& s = spans_[payload_[id]];
    return std::string_view(chars_.data() + s.begin, s.size);
  }

  std::int64_t decode_long(const std::uint8_t* p, std::uint64_t n) const;
  std::int64_t parse_text_int(std::string_view text) const;
  double parse_text_float(std::string_view text) const;
  std::uint64_t parse_text_index(std::string_view text) const;
  NodeId decode_raw_unicode_escape(std::string_view text);

  void memo_put(std::uint64_t index);
  NodeId memo_get(std::uint64_t index) const;
  // Pushes a node; pushing the numpy scalar callable starts a possible fold (see make_scalar).
  void push(NodeId id) {
    if (kinds_[id] == kGlobalScalar) {
      mark_scalar_callable();
      stack_.push_back(id);
      scalar_shortcut();
      return;
    }
    stack_.push_back(id);
  }
  void mark_scalar_callable();
  void scalar_shortcut();
  bool foldable(NodeId args, NodeId data) const;
  void fold_scalar_arguments();

  NodeId make_global(std::string_view module, std::string_view name);
  NodeId reduce(NodeId callable, NodeId args);
  void build(NodeId object, NodeId state);
  NodeId make_scalar(NodeId args);
  NodeId make_dtype(const NodeId* args, std::size_t n);
  NodeId encode_latin1(NodeId pair, const NodeId* args, std::size_t n);

  Document finish();
  void finalize_containers();
  void check_nesting(NodeId root) const;

  // The input is a window data_[0, end_) at input offset window_offset_ of total_ bytes:
  // everything at once for parse(), a window refilled from the file for parse_file().
  const std::uint8_t* data_;
  std::size_t end_;
  std::size_t pos_ = 0;  // next byte of the window
  std::uint64_t window_offset_ = 0;
  std::uint64_t total_;
  FileWindow* file_;       // null: the whole input is in memory
  std::size_t op_ = 0;     // input offset of the opcode being executed
  std::uint8_t code_ = 0;  // that opcode
  Document doc_;
  Document::Array<std::uint8_t>& kinds_;
  Document::Array<std::uint64_t>& payload_;
  Document::Array<Document::Span>& spans_;
  Document::Array<NodeId>& children_;
  Document::Array<char>& chars_;
  std::vector<NodeId> stack_;
  std::vector<std::size_t> marks_;
  Memo memo_;
  std::size_t memo_count_ = 0;
  std::vector<Builder> builders_;
  std::vector<Segment> segments_;
  std::vector<NodeId> internal_nodes_;

  // A numpy scalar's argument tuple, its data bytes and (protocol <= 2) the text and pair that
  // _codecs.encode turned into those bytes are fresh objects that Python never refers to again;
  // make_scalar drops them from the arena when they are the only nodes made since the callable
  // was pushed. The arena sizes at that push, and the memo slots written since:
  struct ScalarMark {
    static constexpr std::size_t kMaxPuts = 8;
    bool valid = false;
    std::size_t depth = 0;  // stack position of the callable
    std::size_t nodes = 0, spans = 0, children = 0, chars = 0;
    std::size_t puts = 0;
    std::uint64_t put_index[kMaxPuts] = {};
  };
  ScalarMark mark_;
  // The last _codecs.encode call: its argument pair and the bytes it made.
  NodeId encode_pair_ = kNoneNode;
  NodeId encode_result_ = kNoneNode;
};

Parser::Parser(const std::uint8_t* data, std::size_t size, const std::string& source,
               FileWindow* file)
    : data_(data),
      end_(data == nullptr ? 0 : size),
      total_(file != nullptr ? file->total : end_),
      file_(file),
      kinds_(doc_.kinds_),
      payload_(doc_.payload_),
      spans_(doc_.spans_),
      children_(doc_.children_),
      chars_(doc_.chars_) {
  doc_.source_ = source;
}

void Parser::fail_at(std::size_t offset, const std::string& what, const std::string& detail) const {
  std::string message = doc_.source_ + ": " + what + " at byte " + std::to_string(offset);
  if (!detail.empty()) message += " (" + detail + ")";
  throw DataError(message);
}

void Parser::fail_truncated(std::uint64_t wanted) const {
  fail("truncated: " + std::string(opcode_name(code_)) + " needs " + std::to_string(wanted) +
       " more byte(s) but only " + std::to_string(remaining()) + " remain");
}

void Parser::fail_underflow(std::size_t n) const {
  fail("stack underflow: " + std::string(opcode_name(code_)) + " needs " + std::to_string(n) +
       " item(s) above the last MARK but there are " + std::to_string(stack_.size() - base()));
}

void Parser::refuse(const char* opcode, const std::string& why) const {
  fail_at(op_, "refused opcode '" + std::string(opcode) + "'", why);
}

std::string_view Parser::take_line() {
  std::size_t searched = 0;  // bytes from pos_ known to hold no newline
  for (;;) {
    const void* nl = std::memchr(data_ + pos_ + searched, '\n', end_ - pos_ - searched);
    if (nl != nullptr) {
      const auto end = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - data_);
      std::string_view line(reinterpret_cast<const char*>(data_ + pos_), end - pos_);
      pos_ = end + 1;
      return line;
    }
    searched = end_ - pos_;
    if (searched >= remaining()) {
      fail("truncated: " + std::string(opcode_name(code_)) + " needs a newline-terminated line");
    }
    refill(searched + 1);
  }
}

void Parser::refill(std::uint64_t wanted) {
  // Only a file window can be short of bytes that remain (take() checked remaining()).
  FileWindow& w = *file_;
  const std::size_t kept = end_ - pos_;
  if (wanted > w.capacity) {
    // One item larger than the window (a long string): a window that holds it.
    const auto capacity = static_cast<std::size_t>(
        std::min<std::uint64_t>(std::max<std::uint64_t>(wanted, 2 * w.capacity),
                                std::numeric_limits<std::size_t>::max() / 2));
    WindowBuffer bigger(static_cast<std::uint8_t*>(allocate_column_memory(capacity)));
    if (kept > 0) std::memcpy(bigger.get(), data_ + pos_, kept);
    w.buffer = std::move(bigger);
    w.capacity = capacity;
  } else if (kept > 0 && pos_ > 0) {
    std::memmove(w.buffer.get(), data_ + pos_, kept);
  }
  window_offset_ += pos_;
  data_ = w.buffer.get();
  pos_ = 0;
  end_ = kept;
  const auto want =
      static_cast<std::size_t>(std::min<std::uint64_t>(w.capacity - end_, remaining() - end_));
  w.in.read(reinterpret_cast<char*>(w.buffer.get() + end_), static_cast<std::streamsize>(want));
  const auto got = static_cast<std::size_t>(w.in.gcount());
  end_ += got;
  if (got != want) {
    throw DataError(doc_.source_ + ": read error at byte " + std::to_string(window_offset_ + end_) +
                    " (the file is shorter than when it was opened)");
  }
}

std::size_t Parser::pop_mark() {
  if (marks_.empty()) fail(std::string(opcode_name(code_)) + " without a matching MARK");
  const std::size_t b = marks_.back();
  marks_.pop_back();
  return b;
}

std::string Parser::what(NodeId id) const {
  const std::uint8_t k = base_of(kinds_[id]);
  if (k == kDtype) return "a numpy dtype object";
  if (k > kDictKind) return "a global callable";
  if (kinds_[id] & kOpaqueFlag) return "a tuple holding a callable or dtype";
  return std::string("a ") + kind_name(static_cast<Kind>(k));
}

NodeId Parser::add_chars(std::uint8_t kind, const char* p, std::size_t n) {
  const std::size_t begin = chars_.size();
  chars_.insert(chars_.end(), p, p + n);
  const std::size_t span = spans_.size();
  spans_.push_back({begin, n});
  return add_node(kind, span);
}

NodeId Parser::add_text(const std::uint8_t* p, std::size_t n) {
  if (!valid_utf8(p, n)) fail("string is not valid UTF-8");
  return add_chars(kStringKind, reinterpret_cast<const char*>(p), n);
}

NodeId Parser::make_tuple(std::size_t from) {
  const std::size_t n = stack_.size() - from;
  if (n == 0) return kEmptyTupleNode;
  std::uint8_t flags = 0;
  for (std::size_t i = from; i < stack_.size(); ++i) {
    const std::uint8_t k = kinds_[stack_[i]];
    if (!value_ok(k)) {
      flags |= kOpaqueFlag;
    } else if (!key_ok(k)) {
      flags |= kUnhashableFlag;
    }
  }
  const std::size_t begin = children_.size();
  children_.insert(children_.end(), stack_.begin() + static_cast<std::ptrdiff_t>(from),
                   stack_.end());
  const std::size_t span = spans_.size();
  spans_.push_back({begin, n});
  return add_node(kTupleKind | flags, span);
}

NodeId Parser::new_mutable(std::uint8_t kind) {
  const NodeId id = add_node(kind, builders_.size());
  builders_.push_back({id, kNoSegment, kNoSegment, 0});
  return id;
}

// Appends stack_[from...] to a list, or key/value pairs to a dict.
void Parser::extend(NodeId container, std::size_t from, const char* opcode) {
  const std::uint8_t k = kinds_[container];
  const std::size_t n = stack_.size() - from;
  const bool wants_list = opcode[0] == 'A' || opcode[0] == 'L';  // APPEND(S), LIST
  if (k != (wants_list ? kListKind : kDictKind)) {
    fail(std::string(opcode) + " onto " + what(container) +
         (wants_list ? ", expected a list" : ", expected a dict"));
  }
  if (k == kListKind) {
    for (std::size_t i = from; i < stack_.size(); ++i) {
      if (!value_ok(kinds_[stack_[i]])) {
        fail(std::string(opcode) + " of " + what(stack_[i]) + " into a list");
      }
    }
  } else {
    if (n % 2 != 0) fail(std::string(opcode) + " with an odd number of items");
    for (std::size_t i = from; i < stack_.size(); i += 2) {
      const std::uint8_t kk = kinds_[stack_[i]];
      if (!key_ok(kk)) {
        fail(std::string(opcode) + " with an unhashable or non-data dict key: " + what(stack_[i]));
      }
      if (!value_ok(kinds_[stack_[i + 1]])) {
        fail(std::string(opcode) + " of " + what(stack_[i + 1]) + " into a dict");
      }
    }
  }
  if (n == 0) return;
  mark_.valid = false;  // the batch may hold nodes made since a scalar callable was pushed
  Builder& b = builders_[payload_[container]];
  const std::uint64_t end = children_.size();
  if (b.last_segment != kNoSegment &&
      segments_[b.last_segment].begin + segments_[b.last_segment].count == end) {
    segments_[b.last_segment].count += n;  // the common case: batches of one container in a row
  } else {
    if (segments_.size() >= kNoSegment) fail("too many container batches");
    const auto s = static_cast<std::uint32_t>(segments_.size());
    segments_.push_back({end, n, kNoSegment});
    if (b.last_segment == kNoSegment) {
      b.first_segment = s;
    } else {
      segments_[b.last_segment].next = s;
    }
    b.last_segment = s;
  }
  b.slots += n;
  children_.insert(children_.end(), stack_.begin() + static_cast<std::ptrdiff_t>(from),
                   stack_.end());
  stack_.resize(from);
}

std::int64_t Parser::decode_long(const std::uint8_t* p, std::uint64_t n) const {
  if (n == 0) return 0;
  const std::size_t used = static_cast<std::size_t>(std::min<std::uint64_t>(n, 8));
  std::uint64_t v = load_le(p, used);
  const bool negative = (p[used - 1] & 0x80) != 0;
  if (used < 8 && negative) v |= ~std::uint64_t{0} << (8 * used);
  // Longer encodings are fine as long as the extra bytes only repeat the sign.
  const std::uint8_t fill = negative ? 0xff : 0x00;
  for (std::uint64_t i = used; i < n; ++i) {
    if (p[i] != fill) fail("integer does not fit in 64 bits");
  }
  return static_cast<std::int64_t>(v);
}

std::int64_t Parser::parse_text_int(std::string_view text) const {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec == std::errc::result_out_of_range) fail("integer does not fit in 64 bits");
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size()) {
    fail("malformed integer '" + printable(text) + "'");
  }
  return v;
}

double Parser::parse_text_float(std::string_view text) const {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  // Out of range text (e.g. "1e999") is what Python would turn into inf; refuse it instead.
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size()) {
    fail("malformed float '" + printable(text) + "'");
  }
  return v;
}

std::uint64_t Parser::parse_text_index(std::string_view text) const {
  std::uint64_t v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size()) {
    fail("malformed memo index '" + printable(text) + "'");
  }
  return v;
}

// Protocol 0 UNICODE: latin-1 bytes with \uXXXX and \UXXXXXXXX escapes.
NodeId Parser::decode_raw_unicode_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == 'u' || text[i + 1] == 'U')) {
      const std::size_t digits = text[i + 1] == 'u' ? 4 : 8;
      if (digits > text.size() - i - 2) fail("truncated \\u escape in UNICODE");
      std::uint32_t cp = 0;
      const char* first = text.data() + i + 2;
      const auto res = std::from_chars(first, first + digits, cp, 16);
      if (res.ec != std::errc() || res.ptr != first + digits || cp > 0x10ffff) {
        fail("malformed \\u escape in UNICODE");
      }
      append_utf8(cp, out);
      i += 2 + digits;
    } else {
      append_utf8(c, out);
      ++i;
    }
  }
  return add_chars(kStringKind, out.data(), out.size());
}

void Parser::memo_put(std::uint64_t index) {
  need(1);
  const NodeId v = stack_.back();
  // Python numbers memo entries 0, 1, 2, ...; a bounded gap keeps the table linear in the input.
  if (index >= memo_.size() && index > 2 * memo_count_ + kMaxMemoGap) {
    fail("memo index " + std::to_string(index) + " is too far out of sequence");
  }
  if (memo_.get(index) == kNoMemo) ++memo_count_;
  memo_.set(index, v);
  if (mark_.valid) {
    if (mark_.puts == ScalarMark::kMaxPuts) {
      mark_.valid = false;
    } else {
      mark_.put_index[mark_.puts++] = index;
    }
  }
}

NodeId Parser::memo_get(std::uint64_t index) const {
  const NodeId v = memo_.get(index);
  if (v == kNoMemo) fail("memo get of id " + std::to_string(index) + " that was never put");
  if (v == kFoldedMemo) {
    fail("memo get of id " + std::to_string(index) +
         ", the argument tuple or data bytes of a numpy scalar, which are not kept (only the " +
         "number is; Python never refers to them again)");
  }
  return v;
}

// Right after the numpy scalar callable was pushed: when the next opcodes are the rest of a
// scalar exactly as Python writes it, with data of 2 or more bytes, they are done here in one
// step, with the result the opcode-by-opcode path gives (the number replaces the callable; the
// memo slots of the intermediates are kFoldedMemo):
//   protocol 3-5: GET dtype, SHORT_BINBYTES data, PUT, TUPLE2, PUT, REDUCE
//   protocol <= 2: GET dtype, GET _codecs.encode, BINUNICODE text, PUT, GET 'latin1', TUPLE2, PUT,
//                  REDUCE, PUT, TUPLE2, PUT, REDUCE
// where PUT is BINPUT, LONG_BINPUT or MEMOIZE appending to a memo without holes. Anything else
// (including input not yet in the window) is left to the opcode-by-opcode path, which also makes
// every error message.
void Parser::scalar_shortcut() {
  const std::uint8_t* p = data_ + pos_;
  const std::uint8_t* const end = data_ + end_;
  const auto get = [&](NodeId& out) {
    std::uint64_t index;
    if (end - p >= 2 && p[0] == kBinGet) {
      index = p[1];
      p += 2;
    } else if (end - p >= 5 && p[0] == kLongBinGet) {
      index = load_le(p + 1, 4);
      p += 5;
    } else {
      return false;
    }
    out = memo_.get(index);
    return out < kFoldedMemo;
  };
  std::uint64_t next_slot = memo_.size();  // memo appends: the slots of PUTs in order
  const auto put = [&]() {
    if (end - p >= 1 && p[0] == kMemoize) {
      p += 1;
    } else if (end - p >= 2 && p[0] == kBinPut && p[1] == next_slot) {
      p += 2;
    } else if (end - p >= 5 && p[0] == kLongBinPut && load_le(p + 1, 4) == next_slot) {
      p += 5;
    } else {
      return false;
    }
    ++next_slot;
    return true;
  };
  const auto op = [&](std::uint8_t code) {
    if (p == end || *p != code) return false;
    ++p;
    return true;
  };
  if (memo_count_ != memo_.size()) return;  // holes: PUTs may not append
  NodeId dtype_node;
  if (!get(dtype_node) || kinds_[dtype_node] != kDtype) return;
  const DType d = DType::unpack(payload_[dtype_node]);
  if (d.size < 2) return;
  std::uint8_t raw[8];
  if (p != end && *p == kShortBinBytes) {
    if (end - p < 2 + d.size || p[1] != d.size) return;
    std::memcpy(raw, p + 2, d.size);
    p += 2 + d.size;
    if (!put() || !op(kTuple2) || !put() || !op(kReduce)) return;
  } else {
    NodeId encode_node, latin1_node;
    if (!get(encode_node) || kinds_[encode_node] != kGlobalEncode) return;
    if (end - p < 5 || p[0] != kBinUnicode) return;
    const std::uint64_t n = load_le(p + 1, 4);
    if (n > 2 * std::uint64_t{d.size} || static_cast<std::uint64_t>(end - p - 5) < n) return;
    // Latin-1 text as UTF-8: ASCII, or 0xc2/0xc3 and a continuation byte.
    const std::uint8_t* t = p + 5;
    const std::uint8_t* const t_end = t + n;
    std::size_t size = 0;
    while (t < t_end && size < d.size) {
      if (t[0] < 0x80) {
        raw[size++] = t[0];
        t += 1;
      } else if ((t[0] == 0xc2 || t[0] == 0xc3) && t_end - t >= 2 && (t[1] & 0xc0) == 0x80) {
        raw[size++] = static_cast<std::uint8_t>(((t[0] & 0x1f) << 6) | (t[1] & 0x3f));
        t += 2;
      } else {
        return;
      }
    }
    if (t != t_end || size != d.size) return;
    p = t_end;
    if (!put() || !get(latin1_node) || kinds_[latin1_node] != kStringKind) return;
    const std::string_view encoding = chars_of(latin1_node);
    if (encoding != "latin1" && encoding != "latin-1") return;
    if (!op(kTuple2) || !put() || !op(kReduce) || !put() || !op(kTuple2) || !put() ||
        !op(kReduce)) {
      return;
    }
  }
  std::uint8_t kind;
  std::uint64_t value;
  if (!scalar_value(d, raw, kind, value)) return;
  // Matched: the memo slots of the intermediates, then the number in place of the callable.
  memo_.append_folded(next_slot - memo_count_);
  memo_count_ = next_slot;
  mark_.valid = false;
  pos_ = static_cast<std::size_t>(p - data_);
  stack_.back() = add_node(kind, value);
}

void Parser::mark_scalar_callable() {
  mark_.valid = true;
  mark_.depth = stack_.size();
  mark_.nodes = kinds_.size();
  mark_.spans = spans_.size();
  mark_.children = children_.size();
  mark_.chars = chars_.size();
  mark_.puts = 0;
}

// True when the nodes made since the scalar callable was pushed are exactly its argument tuple
// `args` and data bytes `data` (of 2 bytes or more: CPython shares 1-byte bytes and 1-char str
// objects, which a pickle may refer to again), preceded at protocol <= 2 by the text and the
// pair that _codecs.encode turned into `data`. Nothing else can refer to them: the stack holds
// only `args` above the callable, every container batch since the mark cleared it, and the memo
// slots written since are known.
bool Parser::foldable(NodeId args, NodeId data) const {
  if (!mark_.valid || mark_.depth != stack_.size() - 2) return false;
  if (spans_[payload_[data]].size < 2) return false;
  const std::size_t first = mark_.nodes;
  if (kinds_.size() == first + 2) return data == first && args == first + 1;
  if (kinds_.size() != first + 4 || data != first + 2 || args != first + 3) return false;
  const NodeId text = static_cast<NodeId>(first);
  const NodeId pair = static_cast<NodeId>(first + 1);
  if (encode_pair_ != pair || encode_result_ != data || kinds_[text] != kStringKind) return false;
  const Document::Span& p = tuple_span(pair);
  return children_[p.begin] == text && children_[p.begin + 1] < first;
}

// Drops the nodes made since the mark (see foldable) and marks the memo slots that referred to
// them.
void Parser::fold_scalar_arguments() {
  // Latest first: in a compact memo these are its last kept entries.
  for (std::size_t i = mark_.puts; i-- > 0;) {
    const NodeId v = memo_.get(mark_.put_index[i]);
    if (v >= mark_.nodes && v < kFoldedMemo) memo_.set(mark_.put_index[i], kFoldedMemo);
  }
  kinds_.resize(mark_.nodes);
  payload_.resize(mark_.nodes);
  spans_.resize(mark_.spans);
  children_.resize(mark_.children);
  chars_.resize(mark_.chars);
  mark_.valid = false;
}

NodeId Parser::make_global(std::string_view module, std::string_view name) {
  if ((module == "numpy.core.multiarray" || module == "numpy._core.multiarray") &&
      name == "scalar") {
    return add_internal(kGlobalScalar, 0);
  }
  if (module == "numpy" && name == "dtype") return add_internal(kGlobalDtype, 0);
  if (module == "_codecs" && name == "encode") return add_internal(kGlobalEncode, 0);
  if ((module == "builtins" || module == "__builtin__") && name == "bytes") {
    return add_internal(kGlobalBytes, 0);
  }
  fail_at(op_, "refused global '" + printable(module) + "." + printable(name) + "'",
          "only numpy scalar/dtype are allowed");
}

NodeId Parser::reduce(NodeId callable, NodeId args) {
  const std::uint8_t fk = kinds_[callable];
  if (fk < kGlobalScalar || fk > kGlobalBytes) {
    refuse("REDUCE", "the callable is " + what(callable) + ", not an allowed numpy global");
  }
  if (base_of(kinds_[args]) != kTupleKind)
    fail("REDUCE arguments are " + what(args) + ", not a tuple");
  if (fk == kGlobalScalar) return make_scalar(args);
  const Document::Span& s = tuple_span(args);
  const NodeId* a = children_.data() + s.begin;
  const auto n = static_cast<std::size_t>(s.size);
  switch (fk) {
    case kGlobalDtype:
      return make_dtype(a, n);
    case kGlobalEncode:
      return encode_latin1(args, a, n);
    default:
      if (n != 0) fail("bytes() is only accepted without arguments");
      return add_chars(kBytesKind, nullptr, 0);
  }
}

NodeId Parser::make_dtype(const NodeId* args, std::size_t n) {
  if (n < 1 || n > 3) fail("numpy.dtype() needs 1 to 3 arguments, got " + std::to_string(n));
  const std::uint8_t k0 = kinds_[args[0]];
  if (k0 != kStringKind && k0 != kBytesKind) fail("numpy.dtype() needs a type code string");
  for (std::size_t i = 1; i < n; ++i) {
    const std::uint8_t k = kinds_[args[i]];
    if (k != kBoolKind && k != kIntKind) fail("numpy.dtype() flags must be booleans");
  }
  DType d;
  const std::string_view code = chars_of(args[0]);
  if (!parse_dtype_code(code, d)) {
    fail("unsupported numpy dtype '" + printable(code) +
         "' (supported: f2/f4/f8, i1-i8, u1-u8, b1)");
  }
  return add_internal(kDtype, d.pack());
}

// numpy.core.multiarray.scalar(dtype, data): the number, as an integer, real or boolean node.
NodeId Parser::make_scalar(NodeId args) {
  const Document::Span& s = tuple_span(args);
  const NodeId* a = children_.data() + s.begin;
  if (s.size != 2 || kinds_[a[0]] != kDtype || kinds_[a[1]] != kBytesKind) {
    fail("numpy scalar() needs (dtype, bytes) arguments");
  }
  const NodeId data = a[1];
  const DType d = DType::unpack(payload_[a[0]]);
  const std::string_view raw = chars_of(data);
  if (raw.size() != d.size) {
    fail("numpy scalar of " + std::to_string(d.size) + "-byte dtype has " +
         std::to_string(raw.size()) + " data bytes");
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(raw.data());
  if (d.letter == 'b') return p[0] != 0 ? kTrueNode : kFalseNode;  // one byte, never folded
  std::uint8_t kind;
  std::uint64_t value;
  if (!scalar_value(d, p, kind, value)) fail("numpy uint64 scalar does not fit in int64");
  if (foldable(args, data)) fold_scalar_arguments();
  return add_node(kind, value);
}

NodeId Parser::encode_latin1(NodeId pair, const NodeId* args, std::size_t n) {
  if (n != 2 || kinds_[args[0]] != kStringKind || kinds_[args[1]] != kStringKind ||
      (chars_of(args[1]) != "latin1" && chars_of(args[1]) != "latin-1")) {
    fail("_codecs.encode() is only accepted as encode(str, 'latin1')");
  }
  const std::string_view text = chars_of(args[0]);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < text.size()) {
      out +=
          static_cast<char>(((c & 0x1f) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3f));
      i += 2;
    } else {
      fail("_codecs.encode(): character beyond latin-1");
    }
  }
  encode_pair_ = pair;
  encode_result_ = add_chars(kBytesKind, out.data(), out.size());
  return encode_result_;
}

void Parser::build(NodeId object, NodeId state) {
  if (kinds_[object] != kDtype) {
    refuse("BUILD", "only a numpy dtype may receive state, not " + what(object));
  }
  const char* shape =
      "numpy dtype state must be a (version, byteorder, None, None, None, ...) tuple";
  if (base_of(kinds_[state]) != kTupleKind) fail(shape);
  const Document::Span& s = tuple_span(state);
  if (s.size < 2) fail(shape);
  const NodeId order = children_[s.begin + 1];
  if (kinds_[order] != kStringKind && kinds_[order] != kBytesKind) fail(shape);
  const std::string_view o = chars_of(order);
  if (o.size() != 1 || std::string_view("<>=|").find(o[0]) == std::string_view::npos) fail(shape);
  // Subarray, names and fields (structured dtypes) must be absent.
  for (std::uint64_t i = 2; i < std::min<std::uint64_t>(s.size, 5); ++i) {
    if (kinds_[children_[s.begin + i]] != kNoneKind) fail(shape);
  }
  DType d = DType::unpack(payload_[object]);
  d.big_endian = o[0] == '>';
  payload_[object] = d.pack();
}

Document Parser::run() {
  // Reserving is cheap (untouched pages cost nothing) and avoids regrowing ~100 MB vectors;
  // a float entry of a big dict costs ~14 input bytes, one node and two children.
  const std::size_t guess =
      static_cast<std::size_t>(std::min<std::uint64_t>(total_, std::uint64_t{1} << 31) / 12 + 16);
  kinds_.reserve(guess);
  payload_.reserve(guess);
  children_.reserve(2 * guess);
  for (;;) {
    if (pos_ >= end_) {
      if (remaining() == 0) fail_at(total_, "truncated: the pickle ends without STOP");
      refill(1);
    }
    op_ = window_offset_ + pos_;
    const std::uint8_t code = data_[pos_++];
    code_ = code;
    switch (code) {
      case kProto: {
        const std::uint8_t version = take(1)[0];
        if (version > 5) fail("unsupported pickle protocol " + std::to_string(version));
        break;
      }
      case kFrame: {
        const std::uint64_t n = load_le(take(8), 8);
        if (n > remaining()) {
          fail("truncated: FRAME announces " + std::to_string(n) + " bytes but only " +
               std::to_string(remaining()) + " remain");
        }
        break;
      }
      case kStop:
        return finish();
      case kMark:
        if (marks_.size() >= kMaxMarks) {
          fail("more than " + std::to_string(kMaxMarks) + " open MARKs (nesting too deep)");
        }
        marks_.push_back(stack_.size());
        break;
      case kPop:
        if (stack_.size() > base()) {
          stack_.pop_back();
        } else if (!marks_.empty()) {
          marks_.pop_back();  // as Python does: POP on an empty frame drops the MARK
        } else {
          fail_underflow(1);
        }
        break;
      case kPopMark:
        stack_.resize(pop_mark());
        break;
      case kDup:
        need(1);
        push(stack_.back());
        break;

      case kNone:
        stack_.push_back(kNoneNode);
        break;
      case kNewTrue:
        stack_.push_back(kTrueNode);
        break;
      case kNewFalse:
        stack_.push_back(kFalseNode);
        break;
      case kBinInt:
        stack_.push_back(add_int(static_cast<std::int32_t>(load_le(take(4), 4))));
        break;
      case kBinInt1:
        stack_.push_back(add_int(take(1)[0]));
        break;
      case kBinInt2:
        stack_.push_back(add_int(static_cast<std::int64_t>(load_le(take(2), 2))));
        break;
      case kLong1: {
        const std::uint8_t n = take(1)[0];
        stack_.push_back(add_int(decode_long(take(n), n)));
        break;
      }
      case kLong4: {
        const auto n = static_cast<std::int32_t>(load_le(take(4), 4));
        if (n < 0) fail("LONG4 with a negative length");
        stack_.push_back(add_int(decode_long(take(static_cast<std::uint64_t>(n)), n)));
        break;
      }
      case kInt: {
        const std::string_view line = take_line();
        if (line == "00" || line == "01") {
          stack_.push_back(line == "01" ? kTrueNode : kFalseNode);
        } else {
          stack_.push_back(add_int(parse_text_int(line)));
        }
        break;
      }
      case kLong: {
        std::string_view line = take_line();
        if (!line.empty() && line.back() == 'L') line.remove_suffix(1);
        stack_.push_back(add_int(parse_text_int(line)));
        break;
      }
      case kFloat:
        stack_.push_back(add_real(parse_text_float(take_line())));
        break;
      case kBinFloat:
        stack_.push_back(add_node(kRealKind, load_be64(take(8))));
        break;

      case kShortBinUnicode: {
        const std::uint8_t n = take(1)[0];
        stack_.push_back(add_text(take(n), n));
        break;
      }
      case kBinUnicode: {
        const std::uint64_t n = load_le(take(4), 4);
        stack_.push_back(add_text(take(n), static_cast<std::size_t>(n)));
        break;
      }
      case kBinUnicode8: {
        const std::uint64_t n = load_le(take(8), 8);
        stack_.push_back(add_text(take(n), static_cast<std::size_t>(n)));
        break;
      }
      case kUnicode:
        stack_.push_back(decode_raw_unicode_escape(take_line()));
        break;
      case kShortBinBytes:
      case kShortBinString: {
        const std::uint8_t n = take(1)[0];
        stack_.push_back(add_chars(kBytesKind, reinterpret_cast<const char*>(take(n)), n));
        break;
      }
      case kBinBytes:
      case kBinString: {
        const std::uint64_t n = load_le(take(4), 4);
        if (code == kBinString && n > 0x7fffffff) fail("BINSTRING with a negative length");
        const char* p = reinterpret_cast<const char*>(take(n));
        stack_.push_back(add_chars(kBytesKind, p, static_cast<std::size_t>(n)));
        break;
      }
      case kBinBytes8: {
        const std::uint64_t n = load_le(take(8), 8);
        const char* p = reinterpret_cast<const char*>(take(n));
        stack_.push_back(add_chars(kBytesKind, p, static_cast<std::size_t>(n)));
        break;
      }

      case kEmptyTuple:
        stack_.push_back(kEmptyTupleNode);
        break;
      case kTuple: {
        const std::size_t from = pop_mark();
        const NodeId t = make_tuple(from);
        stack_.resize(from);
        stack_.push_back(t);
        break;
      }
      case kTuple1:
      case kTuple2:
      case kTuple3: {
        const std::size_t n = code - kTuple1 + 1;
        need(n);
        const std::size_t from = stack_.size() - n;
        const NodeId t = make_tuple(from);
        stack_.resize(from);
        stack_.push_back(t);
        break;
      }
      case kEmptyList:
        stack_.push_back(new_mutable(kListKind));
        break;
      case kEmptyDict:
        stack_.push_back(new_mutable(kDictKind));
        break;
      case kList:
      case kDict: {
        const std::size_t from = pop_mark();
        const NodeId c = new_mutable(code == kList ? kListKind : kDictKind);
        extend(c, from, opcode_name(code));
        stack_.push_back(c);
        break;
      }
      case kAppend:
      case kSetItem: {
        const std::size_t n = code == kAppend ? 2 : 3;
        need(n);
        const std::size_t from = stack_.size() - n + 1;
        extend(stack_[from - 1], from, opcode_name(code));
        break;
      }
      case kAppends:
      case kSetItems: {
        const std::size_t from = pop_mark();
        if (from <= base()) {
          fail(std::string(opcode_name(code)) + " has no container below its MARK");
        }
        extend(stack_[from - 1], from, opcode_name(code));
        break;
      }

      case kPut:
        memo_put(parse_text_index(take_line()));
        break;
      case kBinPut:
        memo_put(take(1)[0]);
        break;
      case kLongBinPut:
        memo_put(load_le(take(4), 4));
        break;
      case kMemoize:
        memo_put(memo_count_);
        break;
      case kGet:
        push(memo_get(parse_text_index(take_line())));
        break;
      case kBinGet:
        push(memo_get(take(1)[0]));
        break;
      case kLongBinGet:
        push(memo_get(load_le(take(4), 4)));
        break;

      case kGlobal: {
        const std::string module(take_line());  // a copy: reading the name may move the window
        const std::string_view name = take_line();
        push(make_global(module, name));
        break;
      }
      case kStackGlobal: {
        need(2);
        const NodeId name = stack_[stack_.size() - 1];
        const NodeId module = stack_[stack_.size() - 2];
        if (kinds_[name] != kStringKind || kinds_[module] != kStringKind) {
          fail("STACK_GLOBAL needs two strings, got " + what(module) + " and " + what(name));
        }
        const NodeId g = make_global(chars_of(module), chars_of(name));
        stack_.resize(stack_.size() - 2);
        push(g);
        break;
      }
      case kReduce: {
        need(2);
        const NodeId args = stack_.back();
        const NodeId callable = stack_[stack_.size() - 2];
        const NodeId result = reduce(callable, args);
        stack_.pop_back();
        stack_.back() = result;
        break;
      }
      case kBuild: {
        need(2);
        build(stack_[stack_.size() - 2], stack_.back());
        stack_.pop_back();
        break;
      }

      case kNewObj:
      case kNewObjEx:
      case kInst:
      case kObj:
      case kExt1:
      case kExt2:
      case kExt4:
      case kPersId:
      case kBinPersId:
        refuse(opcode_name(code), "objects are never constructed");
      case kEmptySet:
      case kAddItems:
      case kFrozenSet:
      case kByteArray8:
      case kNextBuffer:
      case kReadonlyBuffer:
      case kString:
        fail_at(op_, "unsupported opcode '" + std::string(opcode_name(code)) + "'",
                "only None, bool, int, float, str, bytes, tuple, list and dict are supported");
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", code);
        fail(std::string("unknown opcode ") + hex);
      }
    }
  }
}

void Parser::finalize_containers() {
  for (const Builder& b : builders_) {
    Document::Span span{0, 0};
    if (b.first_segment != kNoSegment) {
      const Segment& first = segments_[b.first_segment];
      if (first.next == kNoSegment) {
        span.begin = first.begin;
      } else {
        // Batches were interleaved with other containers: gather them at the end.
        span.begin = children_.size();
        children_.reserve(children_.size() + b.slots);
        for (std::uint32_t s = b.first_segment; s != kNoSegment; s = segments_[s].next) {
          const Segment& seg = segments_[s];
          for (std::uint64_t i = seg.begin; i < seg.begin + seg.count; ++i) {
            const NodeId v = children_[i];
            children_.push_back(v);
          }
        }
      }
    }
    span.size = kinds_[b.node] == kDictKind ? b.slots / 2 : b.slots;
    payload_[b.node] = spans_.size();
    spans_.push_back(span);
  }
}

// Rejects self-containing data and nesting beyond kMaxDepth, without recursion, so that
// consumers may walk the document recursively.
void Parser::check_nesting(NodeId root) const {
  if (!is_container(kinds_[root])) return;
  constexpr std::uint16_t kUnseen = 0;
  constexpr std::uint16_t kOnPath = std::numeric_limits<std::uint16_t>::max();
  std::vector<std::uint16_t> height(spans_.size(), kUnseen);  // done: 1 + deepest child height
  struct Frame {
    NodeId node;
    std::uint64_t next;
    std::uint64_t end;
    std::uint16_t height;
  };
  const auto frame_of = [&](NodeId id) {
    const Document::Span& s = spans_[payload_[id]];
    const std::uint64_t slots = base_of(kinds_[id]) == kDictKind ? 2 * s.size : s.size;
    return Frame{id, s.begin, s.begin + slots, 0};
  };
  const auto too_deep = [&]() {
    fail("containers are nested deeper than " + std::to_string(kMaxDepth) + " levels");
  };
  std::vector<Frame> path;
  path.push_back(frame_of(root));
  height[payload_[root]] = kOnPath;
  while (!path.empty()) {
    Frame& f = path.back();
    if (f.next < f.end) {
      const NodeId c = children_[f.next++];
      if (!is_container(kinds_[c])) continue;
      const std::uint16_t h = height[payload_[c]];
      if (h == kOnPath) fail("a container contains itself (recursive data is not supported)");
      if (h != kUnseen) {
        if (path.size() + h > kMaxDepth) too_deep();
        f.height = std::max(f.height, h);
        continue;
      }
      if (path.size() + 1 > kMaxDepth) too_deep();
      height[payload_[c]] = kOnPath;
      path.push_back(frame_of(c));
    } else {
      const auto h = static_cast<std::uint16_t>(f.height + 1);
      height[payload_[f.node]] = h;
      path.pop_back();
      if (!path.empty()) path.back().height = std::max(path.back().height, h);
    }
  }
}

Document Parser::finish() {
  need(1);
  const NodeId root = stack_.back();
  if (!value_ok(kinds_[root])) fail("the pickled value is " + what(root) + ", which is not data");
  finalize_containers();
  // Unreachable parse-time objects must not leak out as unknown kinds.
  for (const NodeId id : internal_nodes_) {
    kinds_[id] = kNoneKind;
    payload_[id] = 0;
  }
  check_nesting(root);
  doc_.root_ = root;
  return std::move(doc_);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

namespace {

Document run_parser(detail::Parser& parser) {
  try {
    return parser.run();
  } catch (const std::bad_alloc&) {
    parser.fail_out_of_memory();
  } catch (const std::length_error&) {
    parser.fail_out_of_memory();
  }
}

}  // namespace

Document parse(const std::uint8_t* data, std::size_t size, const std::string& source_name) {
  detail::Parser parser(data, size, source_name);
  return run_parser(parser);
}

Document parse_file(const std::string& path, std::size_t window_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open file: " + std::strerror(errno));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw DataError(path + ": is a directory, not a pickle file");
  }
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  if (end < 0) throw DataError(path + ": cannot read file (not a regular file?)");
  in.seekg(0, std::ios::beg);
  // Read in windows: the parsed document never refers to the input, so a pickle of any size
  // needs only a window of it in memory. Huge-page backed (table.hpp): first-touching a buffer
  // in 4 KiB pages costs more than reading into it.
  const std::uint64_t window_size = std::max<std::size_t>(1, window_bytes);
  detail::FileWindow window;
  window.in = std::move(in);
  window.total = static_cast<std::uint64_t>(end);
  window.capacity = static_cast<std::size_t>(
      std::max<std::uint64_t>(1, std::min<std::uint64_t>(window_size, end)));
  window.buffer.reset(static_cast<std::uint8_t*>(allocate_column_memory(window.capacity)));
  detail::Parser parser(nullptr, 0, path, &window);
  return run_parser(parser);
}

}  // namespace nhb2::pickle
