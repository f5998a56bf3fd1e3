#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <nhb2/benchmark_api/pickle_reader.hpp>
#include <nhb2/core/error.hpp>

namespace pk = nhb2::pickle;
using pk::Kind;
using pk::NodeId;

namespace {

// Builds pickle byte strings opcode by opcode, so hostile inputs need no Python.
class Pickle {
 public:
  Pickle& op(int code) {
    bytes_.push_back(static_cast<std::uint8_t>(code));
    return *this;
  }
  Pickle& le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  Pickle& raw(std::string_view s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  Pickle& proto(int v) { return op(0x80).le(static_cast<std::uint64_t>(v), 1); }
  Pickle& str(std::string_view s) { return op(0x8c).le(s.size(), 1).raw(s); }  // SHORT_BINUNICODE
  Pickle& binunicode(std::string_view s) { return op('X').le(s.size(), 4).raw(s); }
  Pickle& bytes(std::string_view s) { return op('C').le(s.size(), 1).raw(s); }  // SHORT_BINBYTES
  Pickle& binfloat(double d) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    op('G');
    for (int i = 7; i >= 0; --i) bytes_.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
    return *this;
  }
  Pickle& int1(unsigned v) { return op('K').le(v, 1); }
  Pickle& int4(std::int32_t v) { return op('J').le(static_cast<std::uint32_t>(v), 4); }
  Pickle& global(std::string_view module, std::string_view name) {
    return op('c').raw(module).raw("\n").raw(name).raw("\n");
  }
  Pickle& stop() { return op('.'); }

  pk::Document parse() const { return pk::parse(bytes_.data(), bytes_.size(), "case.pkl"); }
  const std::vector<std::uint8_t>& data() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::vector<std::uint8_t> bytes_;
};

// The message of the DataError thrown by parsing p ("" if it parses).
std::string parse_error(const Pickle& p) {
  try {
    p.parse();
  } catch (const nhb2::DataError& e) {
    return e.what();
  }
  return "";
}

pk::Document parse_vec(const std::vector<std::uint8_t>& v) {
  return pk::parse(v.data(), v.size(), "case.pkl");
}

// Protocol-2 numpy scalar: scalar(dtype(code, False, True) + BUILD state, raw bytes).
Pickle& numpy_scalar_p2(Pickle& p, std::string_view code, char order, std::string_view data) {
  p.global("numpy.core.multiarray", "scalar");
  p.global("numpy", "dtype").binunicode(code).op(0x89).op(0x88).op(0x87).op('R');
  p.op('(').int1(3).binunicode(std::string(1, order)).op('N').op('N').op('N');
  p.int4(-1).int4(-1).int1(0).op('t').op('b');
  return p.op('C').le(data.size(), 1).raw(data).op(0x86).op('R');
}

template <typename T>
std::string raw_of(T v) {
  std::string s(sizeof v, '\0');
  std::memcpy(s.data(), &v, sizeof v);
  return s;
}

// Memo puts and gets as Python writes them: 1-byte indices below 256, 4-byte ones above.
Pickle& put(Pickle& p, std::uint64_t index) {
  return index < 256 ? p.op('q').le(index, 1) : p.op('r').le(index, 4);
}
Pickle& get(Pickle& p, std::uint64_t index) {
  return index < 256 ? p.op('h').le(index, 1) : p.op('j').le(index, 4);
}

// The latin-1 text of raw bytes, as UTF-8 (what _codecs.encode(text, 'latin1') reverses).
std::string latin1_text(std::string_view raw) {
  std::string out;
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += static_cast<char>(b);
    } else {
      out += static_cast<char>(0xc0 | (b >> 6));
      out += static_cast<char>(0x80 | (b & 0x3f));
    }
  }
  return out;
}

// A list of numpy float64 scalars (and int64 ones after them) exactly as Python 3 pickles it at
// protocol 2 (GLOBAL, BINPUT, _codecs.encode for the bytes) or 4 (STACK_GLOBAL, MEMOIZE,
// SHORT_BINBYTES), every scalar after the first re-using the memoized callables.
Pickle python_numpy_list(int protocol, const std::vector<double>& reals,
                         const std::vector<std::int64_t>& ints) {
  Pickle p;
  std::uint64_t next = 0;  // next memo index
  const auto memo = [&]() -> std::uint64_t {
    if (protocol >= 4) {
      p.op(0x94);
    } else {
      put(p, next);
    }
    return next++;
  };
  const auto text = [&](std::string_view s) {
    if (protocol >= 4) {
      p.str(s);
    } else {
      p.binunicode(s);
    }
  };
  p.proto(protocol).op(']');
  memo();
  p.op('(');
  std::uint64_t scalar = 0, encode = 0, latin1 = 0;
  std::uint64_t dtype[2] = {0, 0};
  bool first = true;
  const auto emit = [&](int type, const std::string& raw) {
    if (first) {
      if (protocol >= 4) {
        text("numpy.core.multiarray");
        memo();
        text("scalar");
        memo();
        p.op(0x93);
      } else {
        p.global("numpy.core.multiarray", "scalar");
      }
      scalar = memo();
    } else {
      get(p, scalar);
    }
    if (dtype[type] == 0) {
      if (protocol >= 4) {
        text("numpy");
        memo();
        text("dtype");
        memo();
        p.op(0x93);
      } else {
        p.global("numpy", "dtype");
      }
      memo();
      text(type == 0 ? "f8" : "i8");
      memo();
      p.op(0x89).op(0x88).op(0x87);
      memo();
      p.op('R');
      dtype[type] = memo();
      p.op('(').int1(3);
      text("<");
      memo();
      p.op('N').op('N').op('N').int4(-1).int4(-1).int1(0).op('t');
      memo();
      p.op('b');
    } else {
      get(p, dtype[type]);
    }
    if (protocol >= 4) {
      p.bytes(raw);
      memo();
    } else {
      if (first) {
        p.global("_codecs", "encode");
        encode = memo();
      } else {
        get(p, encode);
      }
      text(latin1_text(raw));
      memo();
      if (first) {
        text("latin1");
        latin1 = memo();
      } else {
        get(p, latin1);
      }
      p.op(0x86);
      memo();
      p.op('R');
      memo();
    }
    p.op(0x86);
    memo();
    p.op('R');
    memo();
    first = false;
  };
  for (const double d : reals) emit(0, raw_of(d));
  for (const std::int64_t i : ints) emit(1, raw_of(i));
  p.op('e').stop();
  return p;
}

std::string le_bytes(std::uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>(v >> (8 * i));
  return s;
}

// A valid protocol-4 pickle touching most opcodes, for truncation and fuzzing.
Pickle sample_pickle() {
  Pickle p;
  p.proto(4).op(0x95).le(0, 8);  // FRAME (length is only a hint)
  p.op('}').op(0x94).op('(');    // {} memo 0, MARK
  p.str("key").op(0x94);         // memo 1
  p.op('(').str("a1b2").binfloat(0.1).op('M').le(256, 2).int1(222).op('t').op(0x94);  // memo 2
  p.str("list").op(']').op(0x94).op('(').int4(-5).op(0x8a).le(2, 1).le(0x1234, 2);
  p.op('N').op(0x88).op(0x89).bytes("xy").op(')').op('h').le(2, 1).op('e');
  p.str("tuple").op('h').le(1, 1).op('j').le(2, 4).op(0x86);
  p.str("np").op(0x8c).le(21, 1).raw("numpy.core.multiarray").op(0x8c).le(6, 1).raw("scalar");
  p.op(0x93).op(0x8c).le(5, 1).raw("numpy").op(0x8c).le(5, 1).raw("dtype").op(0x93);
  p.str("f8").op(0x89).op(0x88).op(0x87).op('R').op('(').int1(3).str("<").op('N').op('N');
  p.op('N').int4(-1).int4(-1).int1(0).op('t').op('b').bytes(raw_of(1.25)).op(0x86).op('R');
  p.op('u').stop();
  return p;
}

// Flattens a document the way tests/fixtures/make_pickle_cases.py flattens the Python value.
class Flattener {
 public:
  explicit Flattener(const pk::Document& doc) : doc_(doc) {}

  void add(NodeId id) {
    switch (doc_.kind(id)) {
      case Kind::none:
        lines.push_back("none");
        return;
      case Kind::boolean:
        lines.push_back(doc_.as_bool(id) ? "bool 1" : "bool 0");
        return;
      case Kind::integer:
        lines.push_back("int " + std::to_string(doc_.as_int(id)));
        return;
      case Kind::real: {
        const double d = doc_.as_real(id);
        std::uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        lines.push_back("real " + std::to_string(bits));
        return;
      }
      case Kind::string:
        lines.push_back("str " + hex(doc_.as_string(id)));
        return;
      case Kind::bytes:
        lines.push_back("bytes " + hex(doc_.as_string(id)));
        return;
      default:
        break;
    }
    const auto seen = seen_.find(id);
    if (seen != seen_.end()) {
      lines.push_back("ref " + std::to_string(seen->second));
      return;
    }
    const std::size_t index = seen_.size();
    seen_[id] = index;
    const Kind k = doc_.kind(id);
    lines.push_back(std::string(pk::kind_name(k)) + " " + std::to_string(doc_.size(id)));
    for (std::size_t i = 0; i < doc_.size(id); ++i) {
      if (k == Kind::dict) {
        add(doc_.key(id, i));
        add(doc_.value(id, i));
      } else {
        add(doc_.item(id, i));
      }
    }
  }

  std::vector<std::string> lines;

 private:
  static std::string hex(std::string_view s) {
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
    return out;
  }

  const pk::Document& doc_;
  std::unordered_map<NodeId, std::size_t> seen_;
};

// Reads every node reachable from the root, to prove a parsed document is safe to walk.
void walk_all(const pk::Document& doc) {
  Flattener f(doc);
  f.add(doc.root());
  (void)doc.describe(doc.root());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Supported opcodes

TEST_CASE("Scalar opcodes are read with their values", "[pickle]") {
  SECTION("None, booleans and binary integers") {
    Pickle p;
    p.proto(2).op('(').op('N').op(0x88).op(0x89).int4(-123456).int1(200).op('M').le(65535, 2);
    p.op('t').stop();
    const auto doc = p.parse();
    const NodeId t = doc.root();
    REQUIRE(doc.kind(t) == Kind::tuple);
    REQUIRE(doc.size(t) == 6);
    CHECK(doc.kind(doc.item(t, 0)) == Kind::none);
    CHECK(doc.as_bool(doc.item(t, 1)) == true);
    CHECK(doc.as_bool(doc.item(t, 2)) == false);
    CHECK(doc.as_int(doc.item(t, 3)) == -123456);
    CHECK(doc.as_int(doc.item(t, 4)) == 200);
    CHECK(doc.as_int(doc.item(t, 5)) == 65535);
  }
  SECTION("LONG1 and LONG4 are little-endian two's complement") {
    const auto long1 = [](std::string_view bytes) {
      Pickle p;
      p.proto(2).op(0x8a).le(bytes.size(), 1).raw(bytes).stop();
      return p.parse();
    };
    auto doc = long1("");
    CHECK(doc.as_int(doc.root()) == 0);
    doc = long1("\xff");
    CHECK(doc.as_int(doc.root()) == -1);
    doc = long1(std::string("\x00\x80", 2));
    CHECK(doc.as_int(doc.root()) == -32768);
    doc = long1(std::string("\x00\x80\x00", 3));
    CHECK(doc.as_int(doc.root()) == 32768);
    doc = long1(le_bytes(0x8000000000000000ULL, 8));
    CHECK(doc.as_int(doc.root()) == std::numeric_limits<std::int64_t>::min());
    doc = long1(le_bytes(0x7fffffffffffffffULL, 8));
    CHECK(doc.as_int(doc.root()) == std::numeric_limits<std::int64_t>::max());
    doc = long1(le_bytes(0xfffffffffffffffeULL, 8) + "\xff\xff");  // redundant sign bytes
    CHECK(doc.as_int(doc.root()) == -2);
    CHECK_THROWS_WITH(long1(le_bytes(0, 8) + "\x01"), Catch::Contains("does not fit in 64 bits"));
    CHECK_THROWS_WITH(long1(le_bytes(0x7fffffffffffffffULL, 8) + "\xff"),
                      Catch::Contains("does not fit"));

    Pickle p4;
    p4.proto(2).op(0x8b).le(3, 4).raw(std::string("\x01\x00\xff", 3)).stop();
    doc = p4.parse();
    CHECK(doc.as_int(doc.root()) == -0xffff);
  }
  SECTION("BINFLOAT is a big-endian double") {
    Pickle p;
    p.proto(2).binfloat(-0.1).stop();
    const auto doc = p.parse();
    CHECK(doc.kind(doc.root()) == Kind::real);
    CHECK(doc.as_real(doc.root()) == -0.1);
    CHECK(doc.as_number(doc.root()) == -0.1);
  }
  SECTION("protocol 0 text INT, LONG and FLOAT") {
    Pickle p;
    p.op('(').raw("I42\n").raw("I-7\n").raw("I01\n").raw("I00\n").raw("L123456789012L\n");
    p.raw("F0.25\n").raw("F-inf\n").raw("F1e-300\n").op('t').stop();
    const auto doc = p.parse();
    const NodeId t = doc.root();
    CHECK(doc.as_int(doc.item(t, 0)) == 42);
    CHECK(doc.as_int(doc.item(t, 1)) == -7);
    CHECK(doc.as_bool(doc.item(t, 2)) == true);
    CHECK(doc.as_bool(doc.item(t, 3)) == false);
    CHECK(doc.as_int(doc.item(t, 4)) == 123456789012LL);
    CHECK(doc.as_real(doc.item(t, 5)) == 0.25);
    CHECK(doc.as_real(doc.item(t, 6)) == -std::numeric_limits<double>::infinity());
    CHECK(doc.as_real(doc.item(t, 7)) == 1e-300);
    Pickle bad;
    bad.raw("I12x\n").stop();
    CHECK_THROWS_WITH(bad.parse(), Catch::Contains("malformed integer"));
  }
  SECTION("strings and bytes of every width") {
    Pickle p;
    p.proto(4).op('(').str("short").binunicode("h\xc3\xa9llo");
    p.op(0x8d).le(4, 8).raw("long").raw("").op('V').raw("a\\u00e9\\U0001f600\n");
    p.bytes(std::string("\x00\xff", 2)).op('B').le(3, 4).raw("abc").op(0x8e).le(2, 8).raw("de");
    p.op('U').le(2, 1).raw("py").op('T').le(1, 4).raw("2").op('t').stop();
    const auto doc = p.parse();
    const NodeId t = doc.root();
    REQUIRE(doc.size(t) == 9);
    CHECK(doc.kind(doc.item(t, 0)) == Kind::string);
    CHECK(doc.as_string(doc.item(t, 0)) == "short");
    CHECK(doc.as_string(doc.item(t, 1)) == "h\xc3\xa9llo");
    CHECK(doc.as_string(doc.item(t, 2)) == "long");
    CHECK(doc.as_string(doc.item(t, 3)) == "a\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(doc.kind(doc.item(t, 4)) == Kind::bytes);
    CHECK(doc.as_string(doc.item(t, 4)) == std::string("\x00\xff", 2));
    CHECK(doc.as_string(doc.item(t, 5)) == "abc");
    CHECK(doc.as_string(doc.item(t, 6)) == "de");
    CHECK(doc.kind(doc.item(t, 7)) == Kind::bytes);
    CHECK(doc.as_string(doc.item(t, 8)) == "2");
  }
  SECTION("a lone surrogate is accepted as Python writes it, malformed UTF-8 is refused") {
    Pickle ok;
    ok.proto(4).str("\xed\xa0\x80").stop();
    const auto doc = ok.parse();
    CHECK(doc.as_string(doc.root()) == "\xed\xa0\x80");
    for (std::string bad : {"\xff", "\xc0\x80", "\xe0\x80\x80", "\xf4\x90\x80\x80", "a\xc3"}) {
      Pickle p;
      p.proto(4).str(bad).stop();
      CHECK_THROWS_WITH(p.parse(), Catch::Contains("not valid UTF-8"));
    }
  }
}

TEST_CASE("Container, stack and memo opcodes build the expected structure", "[pickle]") {
  SECTION("tuples of every arity") {
    Pickle p;
    p.proto(2).op('(').op(')').int1(1).op(0x85).int1(1).int1(2).op(0x86);
    p.int1(1).int1(2).int1(3).op(0x87).op('(').int1(1).int1(2).int1(3).int1(4).op('t');
    p.op('t').stop();
    const auto doc = p.parse();
    const NodeId t = doc.root();
    REQUIRE(doc.size(t) == 5);
    for (std::size_t i = 0; i < 5; ++i) {
      REQUIRE(doc.kind(doc.item(t, i)) == Kind::tuple);
      CHECK(doc.size(doc.item(t, i)) == i);
    }
    CHECK(doc.as_int(doc.item(doc.item(t, 4), 3)) == 4);
  }
  SECTION("lists by EMPTY_LIST/APPEND/APPENDS and by LIST") {
    Pickle p;
    p.proto(2).op(']').int1(1).op('a').op('(').int1(2).int1(3).op('e').op('(').op('e');
    p.op('(').int1(4).int1(5).op('l').op('a').stop();
    const auto doc = p.parse();
    const NodeId l = doc.root();
    REQUIRE(doc.kind(l) == Kind::list);
    REQUIRE(doc.size(l) == 4);
    CHECK(doc.as_int(doc.item(l, 0)) == 1);
    CHECK(doc.as_int(doc.item(l, 2)) == 3);
    const NodeId inner = doc.item(l, 3);
    REQUIRE(doc.kind(inner) == Kind::list);
    CHECK(doc.as_int(doc.item(inner, 1)) == 5);
  }
  SECTION("dicts by EMPTY_DICT/SETITEM/SETITEMS and by DICT") {
    Pickle p;
    p.proto(2).op('}').str("a").int1(1).op('s').op('(').str("b").int1(2).str("c").int1(3);
    p.op('u').str("d").op('(').int1(7).op('N').op('d').op('s').stop();
    const auto doc = p.parse();
    const NodeId d = doc.root();
    REQUIRE(doc.kind(d) == Kind::dict);
    REQUIRE(doc.size(d) == 4);
    CHECK(doc.as_string(doc.key(d, 0)) == "a");
    CHECK(doc.as_int(doc.value(d, 2)) == 3);
    const NodeId inner = doc.value(d, 3);
    REQUIRE(doc.kind(inner) == Kind::dict);
    CHECK(doc.as_int(doc.key(inner, 0)) == 7);
    CHECK(doc.kind(doc.value(inner, 0)) == Kind::none);
  }
  SECTION("POP, POP_MARK, DUP and FRAME") {
    Pickle p;
    p.proto(4).op(0x95).le(12, 8).op('(').int1(1).int1(2).op('0').op('(').int1(9).op('1');
    p.op('2').op('t').stop();
    const auto doc = p.parse();
    const NodeId t = doc.root();
    REQUIRE(doc.size(t) == 2);
    CHECK(doc.item(t, 0) == doc.item(t, 1));
    CHECK(doc.as_int(doc.item(t, 0)) == 1);
  }
  SECTION("every memo put/get form refers to the same node") {
    Pickle p;
    p.proto(4).op('(');
    p.op(']').op('q').le(0, 1);    // BINPUT 0
    p.op(']').op('r').le(1, 4);    // LONG_BINPUT 1
    p.op(']').op(0x94);            // MEMOIZE (as 2)
    p.op(']').op('p').raw("3\n");  // PUT 3
    p.op('h').le(0, 1).op('j').le(1, 4).op('h').le(2, 1).op('g').raw("3\n");
    p.op('t').stop();
    const auto doc = p.parse();
    const NodeId t = doc.root();
    REQUIRE(doc.size(t) == 8);
    for (std::size_t i = 0; i < 4; ++i) CHECK(doc.item(t, i) == doc.item(t, i + 4));
    CHECK(doc.item(t, 0) != doc.item(t, 1));
  }
}

TEST_CASE("A large memo written in and out of order keeps every entry", "[pickle]") {
  // Appends (as Python writes), overwrites, holes filled later and gaps, beyond the first few
  // thousand slots; then every entry is fetched and compared with a plain map.
  for (const int seed : {1, 2, 3}) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    Pickle p;
    p.proto(4).op(']');
    std::map<std::uint64_t, std::int32_t> model;
    std::uint64_t size = 0;                       // one past the highest index put
    const int out_of_order = seed == 1 ? 0 : 10;  // seed 1: appends only
    for (int step = 0; step < 20000; ++step) {
      const auto value = static_cast<std::int32_t>(rng() % 1000000);
      p.int4(value);
      const int kind = static_cast<int>(rng() % 100);
      std::uint64_t index;
      if (kind < out_of_order) {
        index = rng() % (size + 50);  // overwrite, fill a hole, or leave a gap
        p.op('r').le(index, 4);
      } else {
        index = model.size();  // MEMOIZE: the number of entries
        p.op(0x94);
      }
      model[index] = value;
      size = std::max(size, index + 1);
      p.op('0');
    }
    p.op('(');
    for (const auto& [index, value] : model) p.op('j').le(index, 4);
    p.op('e').stop();
    const auto doc = p.parse();
    INFO("seed " << seed);
    REQUIRE(doc.size(doc.root()) == model.size());
    std::size_t i = 0;
    for (const auto& [index, value] : model) {
      if (doc.as_int(doc.item(doc.root(), i)) != value) {
        FAIL("memo " << index << ": " << doc.as_int(doc.item(doc.root(), i)) << " != " << value);
      }
      ++i;
    }
  }
}

TEST_CASE("A memo reference resolves to the same node id, never a copy", "[pickle]") {
  // [t, t] where the second t is BINGET of the memoized first one.
  Pickle shared;
  shared.proto(4).op(']').op(0x94).op('(');
  shared.op('(').str("k").int1(1).int1(2).int1(3).op('t').op(0x94).op('h').le(1, 1);
  shared.op('e').stop();
  const auto doc = shared.parse();
  REQUIRE(doc.size(doc.root()) == 2);
  CHECK(doc.item(doc.root(), 0) == doc.item(doc.root(), 1));
  CHECK(doc.kind(doc.item(doc.root(), 0)) == Kind::tuple);

  // A list holding itself (BINGET of the list being filled) is recursive data: refused.
  Pickle recursive;
  recursive.proto(4).op(']').op(0x94).op('(').int1(1).op('h').le(0, 1).op('e').stop();
  CHECK_THROWS_WITH(recursive.parse(), Catch::Contains("contains itself"));
}

TEST_CASE("A dict of dicts with shared tuple keys keeps the sharing and the order", "[pickle]") {
  // {'acc': {k0: 0.0, k1: 0.5, ...}, 'loss': {k0: 1.0, ...}} as Python writes it: the inner
  // dicts are memoized, then filled by SETITEMS batches; the second column gets its keys by memo.
  constexpr int kKeys = 5;
  Pickle p;
  p.proto(4).op('}').op(0x94).op('(');
  p.str("acc").op(0x94).op('}').op(0x94);  // memo 1 'acc', memo 2 inner dict
  std::vector<int> key_memo;
  int next_memo = 3;
  for (int batch = 0; batch < 2; ++batch) {
    p.op('(');
    for (int i = batch * 3; i < std::min(kKeys, batch * 3 + 3); ++i) {
      p.op('(').str("h" + std::to_string(i)).op(0x94).binfloat(0.1).op('M').le(256, 2);
      p.int1(222).op('t').op(0x94);
      ++next_memo;  // the hash string
      key_memo.push_back(next_memo++);
      p.binfloat(i * 0.5);
    }
    p.op('u');
  }
  p.str("loss").op(0x94).op('}').op(0x94).op('(');
  for (int i = 0; i < kKeys; ++i)
    p.op('h').le(static_cast<unsigned>(key_memo[i]), 1).binfloat(1.0 + i);
  p.op('u').op('u').stop();

  const auto doc = p.parse();
  const NodeId root = doc.root();
  REQUIRE(doc.size(root) == 2);
  const NodeId acc = doc.value(root, 0);
  const NodeId loss = doc.value(root, 1);
  REQUIRE(doc.size(acc) == kKeys);
  REQUIRE(doc.size(loss) == kKeys);
  for (int i = 0; i < kKeys; ++i) {
    CHECK(doc.key(acc, i) == doc.key(loss, i));
    const NodeId k = doc.key(acc, i);
    CHECK(doc.as_string(doc.item(k, 0)) == "h" + std::to_string(i));
    CHECK(doc.as_real(doc.value(acc, i)) == i * 0.5);
    CHECK(doc.as_real(doc.value(loss, i)) == 1.0 + i);
  }
  CHECK(doc.describe(doc.key(acc, 0)) == "('h0', 0.1, 256, 222)");
}

TEST_CASE("Interleaved batches into several memoized containers keep each one's order",
          "[pickle]") {
  // Two lists filled alternately: each list's items end up scattered in the arena.
  Pickle p;
  p.proto(4).op(']').op(0x94).op(']').op(0x94).op('0').op('0');
  for (int i = 0; i < 4; ++i) {
    p.op('h').le(0, 1).op('(').int1(i).int1(10 + i).op('(').op(']').op('t').op('e').op('0');
    p.op('h').le(1, 1).int1(100 + i).op('a').op('0');
  }
  p.op('h').le(0, 1).op('h').le(1, 1).op(0x86).stop();
  const auto doc = p.parse();
  const NodeId a = doc.item(doc.root(), 0);
  const NodeId b = doc.item(doc.root(), 1);
  REQUIRE(doc.size(a) == 12);
  REQUIRE(doc.size(b) == 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(doc.as_int(doc.item(a, 3 * i)) == i);
    CHECK(doc.as_int(doc.item(a, 3 * i + 1)) == 10 + i);
    CHECK(doc.kind(doc.item(a, 3 * i + 2)) == Kind::tuple);
    CHECK(doc.as_int(doc.item(b, i)) == 100 + i);
  }
}

TEST_CASE("Numpy scalars decode through GLOBAL at protocol 2", "[pickle]") {
  Pickle p;
  p.proto(2).op('(');
  numpy_scalar_p2(p, "f8", '<', raw_of(0.1));
  numpy_scalar_p2(p, "f4", '<', raw_of(1.5f));
  numpy_scalar_p2(p, "i8", '<', raw_of(std::int64_t{-9000000000}));
  numpy_scalar_p2(p, "i4", '<', raw_of(std::int32_t{-5}));
  numpy_scalar_p2(p, "f8", '>', std::string("\x3f\xf4\x00\x00\x00\x00\x00\x00", 8));  // 1.25
  numpy_scalar_p2(p, "b1", '|', std::string(1, '\1'));
  numpy_scalar_p2(p, "u8", '<', raw_of(std::uint64_t{42}));
  numpy_scalar_p2(p, "f2", '<', std::string("\x00\x3c", 2));  // 1.0
  p.global("_codecs", "encode").binunicode("\xc3\xbf\x01").binunicode("latin1").op(0x86).op('R');
  p.global("__builtin__", "bytes").op(')').op('R');
  p.op('t').stop();
  const auto doc = p.parse();
  const NodeId t = doc.root();
  REQUIRE(doc.size(t) == 10);
  CHECK(doc.kind(doc.item(t, 0)) == Kind::real);
  CHECK(doc.as_real(doc.item(t, 0)) == 0.1);
  CHECK(doc.as_real(doc.item(t, 1)) == 1.5);
  CHECK(doc.as_int(doc.item(t, 2)) == -9000000000LL);
  CHECK(doc.as_int(doc.item(t, 3)) == -5);
  CHECK(doc.as_real(doc.item(t, 4)) == 1.25);
  CHECK(doc.as_bool(doc.item(t, 5)) == true);
  CHECK(doc.as_int(doc.item(t, 6)) == 42);
  CHECK(doc.as_real(doc.item(t, 7)) == 1.0);
  CHECK(doc.as_string(doc.item(t, 8)) == std::string("\xff\x01", 2));
  CHECK(doc.as_string(doc.item(t, 9)).empty());
}

TEST_CASE("Numpy scalars decode through STACK_GLOBAL and MEMOIZE at protocol 4", "[pickle]") {
  Pickle p;
  p.proto(4).op(0x95).le(0, 8).op(']').op(0x94).op('(');
  p.str("numpy._core.multiarray").op(0x94).str("scalar").op(0x94).op(0x93).op(0x94);  // memo 3
  p.str("numpy").op(0x94).str("dtype").op(0x94).op(0x93).op(0x94);                    // memo 6
  const auto scalar = [&p](std::string_view code, const std::string& data) {
    p.str(code).op(0x94).op(0x89).op(0x88).op(0x87).op(0x94).op('R').op(0x94);
    p.op('(').int1(3).str("<").op(0x94).op('N').op('N').op('N').int4(-1).int4(-1).int1(0);
    p.op('t').op(0x94).op('b').bytes(data).op(0x94).op(0x86).op(0x94).op('R').op(0x94);
    p.op('h').le(3, 1).op('h').le(6, 1);  // callables for the next scalar
  };
  // Stack after each scalar: [values..., scalar, dtype]; the last two are popped at the end.
  // Re-push the callables from the memo, as Python does for every scalar after the first.
  p.op('0').op('0');
  p.op('h').le(3, 1).op('h').le(6, 1);
  scalar("f8", raw_of(2.5));
  scalar("f4", raw_of(0.25f));
  scalar("i8", raw_of(std::int64_t{1} << 40));
  scalar("i4", raw_of(std::int32_t{-77}));
  p.op('0').op('0').op('e').stop();
  const auto doc = p.parse();
  const NodeId l = doc.root();
  REQUIRE(doc.size(l) == 4);
  CHECK(doc.as_real(doc.item(l, 0)) == 2.5);
  CHECK(doc.as_real(doc.item(l, 1)) == 0.25);
  CHECK(doc.as_int(doc.item(l, 2)) == (std::int64_t{1} << 40));
  CHECK(doc.as_int(doc.item(l, 3)) == -77);
}

TEST_CASE("Numpy scalars as Python writes them leave one node per number", "[pickle]") {
  std::vector<double> reals;
  std::vector<std::int64_t> ints;
  for (int i = 0; i < 3000; ++i) reals.push_back(i / 7.0 - 100.0);
  reals.push_back(-0.0);
  reals.push_back(std::numeric_limits<double>::quiet_NaN());
  reals.push_back(std::numeric_limits<double>::denorm_min());
  for (int i = 0; i < 1000; ++i) {
    ints.push_back(static_cast<std::int64_t>(~std::uint64_t{0} << (i % 64)));
  }
  for (const int protocol : {2, 4}) {
    INFO("protocol " << protocol);
    const auto doc = python_numpy_list(protocol, reals, ints).parse();
    const NodeId l = doc.root();
    REQUIRE(doc.size(l) == reals.size() + ints.size());
    for (std::size_t i = 0; i < reals.size(); ++i) {
      const double d = doc.as_real(doc.item(l, i));
      CHECK(std::memcmp(&d, &reals[i], sizeof d) == 0);  // bit for bit, NaN and -0.0 included
    }
    for (std::size_t i = 0; i < ints.size(); ++i) {
      CHECK(doc.as_int(doc.item(l, reals.size() + i)) == ints[i]);
    }
    // Without folding: 3 (protocol 4) or 5 (protocol 2) nodes per number.
    CHECK(doc.node_count() < reals.size() + ints.size() + 40);
  }
}

TEST_CASE("A memo reference to a folded scalar's arguments is refused", "[pickle]") {
  // Python never refers to them again; a pickle that does is not one Python wrote.
  Pickle p4 = python_numpy_list(4, {0.5, 0.25}, {});
  std::vector<std::uint8_t> bytes = p4.data();
  bytes.resize(bytes.size() - 2);  // drop APPENDS and STOP
  // Memo 15 holds the second scalar's bytes, 16 its argument tuple, 17 the number; the first
  // scalar (memo 12 its bytes, 14 the number) made its dtype after the callable: kept.
  for (const auto& [index, ok] : std::vector<std::pair<int, bool>>{
           {15, false}, {16, false}, {17, true}, {12, true}, {14, true}}) {
    std::vector<std::uint8_t> v = bytes;
    for (const int b : std::initializer_list<int>{'h', index, 'e', '.'}) {
      v.push_back(static_cast<std::uint8_t>(b));
    }
    INFO("memo " << index);
    if (ok) {
      const auto doc = parse_vec(v);
      CHECK(doc.size(doc.root()) == 3);
    } else {
      CHECK_THROWS_WITH(parse_vec(v),
                        Catch::Contains("memo get of id " + std::to_string(index) +
                                        ", the argument tuple or data bytes of a numpy scalar") &&
                            Catch::Contains("not kept"));
    }
  }
  // Protocol 2: the text and the pair _codecs.encode turned into the bytes are not kept either.
  Pickle p2 = python_numpy_list(2, {0.5, 0.25}, {});
  std::vector<std::uint8_t> b2 = p2.data();
  b2.resize(b2.size() - 2);
  // Second scalar: 15 text, 16 pair, 17 bytes, 18 argument tuple, 19 the number.
  for (const int index : {15, 16, 17, 18}) {
    std::vector<std::uint8_t> v = b2;
    for (const int b : std::initializer_list<int>{'h', index, 'e', '.'}) {
      v.push_back(static_cast<std::uint8_t>(b));
    }
    CHECK_THROWS_WITH(parse_vec(v), Catch::Contains("not kept"));
  }
  std::vector<std::uint8_t> v = b2;
  for (const int b : std::initializer_list<int>{'h', 19, 'e', '.'}) {
    v.push_back(static_cast<std::uint8_t>(b));
  }
  const auto doc = parse_vec(v);
  CHECK(doc.as_real(doc.item(doc.root(), 2)) == 0.25);
}

TEST_CASE("Scalar arguments that something else refers to are kept", "[pickle]") {
  SECTION("1-byte data, which CPython shares, referred to again") {
    Pickle p;
    p.proto(4).op(']').op(0x94).op('(');                                       // memo 0
    p.str("numpy.core.multiarray").str("scalar").op(0x93).op(0x94);            // memo 1
    p.str("numpy").str("dtype").op(0x93).str("i1").op(0x85).op('R').op(0x94);  // memo 2
    p.op('0').op('0');
    for (int i = 0; i < 2; ++i) {
      p.op('h').le(1, 1).op('h').le(2, 1);
      if (i == 0) {
        p.bytes("").op(0x94);  // memo 3
      } else {
        p.op('h').le(3, 1);
      }
      p.op(0x86).op('R');
    }
    p.op('h').le(3, 1).op('e').stop();
    const auto doc = p.parse();
    REQUIRE(doc.size(doc.root()) == 3);
    CHECK(doc.as_int(doc.item(doc.root(), 0)) == 5);
    CHECK(doc.as_int(doc.item(doc.root(), 1)) == 5);
    CHECK(doc.as_string(doc.item(doc.root(), 2)) == "");
  }
  SECTION("data bytes also appended to an older list") {
    Pickle p;
    p.proto(4).op(']').op(0x94).op('(');  // memo 0: the result list, MARK
    p.op(']').op(0x94);                   // memo 1: a list made before the scalar
    p.str("numpy.core.multiarray").str("scalar").op(0x93).op(0x94);            // memo 2
    p.str("numpy").str("dtype").op(0x93).str("f8").op(0x85).op('R').op(0x94);  // memo 3
    p.op('0').op('0').op('h').le(2, 1).op('h').le(3, 1);  // pushed again: nothing new since
    p.bytes(raw_of(2.5)).op(0x94);                        // memo 4
    p.op('h').le(1, 1).op('h').le(4, 1).op('a').op('0');  // list 1 gets the bytes
    p.op(0x86).op('R').op('e').stop();
    const auto doc = p.parse();
    const NodeId root = doc.root();
    REQUIRE(doc.size(root) == 2);
    const NodeId older = doc.item(root, 0);
    REQUIRE(doc.size(older) == 1);
    CHECK(doc.as_string(doc.item(older, 0)) == raw_of(2.5));
    CHECK(doc.as_real(doc.item(root, 1)) == 2.5);
  }
  SECTION("a dtype made after the callable was pushed") {
    // The first scalar of every Python pickle: the dtype and the 'latin1' text are new.
    const auto doc = python_numpy_list(2, {1.5}, {7}).parse();
    CHECK(doc.as_real(doc.item(doc.root(), 0)) == 1.5);
    CHECK(doc.as_int(doc.item(doc.root(), 1)) == 7);
  }
}

TEST_CASE("Accessors are strict about kinds and indices", "[pickle]") {
  Pickle p;
  p.proto(2).op('(').binfloat(0.5).int1(3).op(0x88).str("s").op('t').stop();
  const auto doc = p.parse();
  const NodeId t = doc.root();
  CHECK_THROWS_AS(doc.as_int(doc.item(t, 0)), nhb2::DataError);
  CHECK_THROWS_WITH(
      doc.as_int(doc.item(t, 0)),
      Catch::StartsWith("case.pkl: expected an integer") && Catch::Contains("found real 0.5"));
  CHECK_THROWS_WITH(doc.as_real(doc.item(t, 1)), Catch::Contains("found integer 3"));
  CHECK(doc.as_number(doc.item(t, 1)) == 3.0);
  CHECK_THROWS_AS(doc.as_int(doc.item(t, 2)), nhb2::DataError);  // a bool is not an integer
  CHECK_THROWS_AS(doc.as_bool(doc.item(t, 1)), nhb2::DataError);
  CHECK_THROWS_AS(doc.as_string(doc.item(t, 1)), nhb2::DataError);
  CHECK_THROWS_WITH(doc.item(t, 4), Catch::Contains("index 4 is out of range for tuple of size 4"));
  CHECK_THROWS_WITH(doc.key(t, 0), Catch::Contains("expected a dict, found tuple"));
  CHECK_THROWS_AS(doc.size(doc.item(t, 0)), nhb2::DataError);
  CHECK_THROWS_WITH(doc.kind(1000000), Catch::Contains("no node 1000000"));
  CHECK(doc.describe(t) == "(0.5, 3, True, 's')");
}

TEST_CASE("describe is short and bounded", "[pickle]") {
  Pickle p;
  p.proto(2).op(']');
  for (int i = 0; i < 200; ++i) p.int4(100000 + i).op('a');
  p.stop();
  const auto doc = p.parse();
  const std::string text = doc.describe(doc.root());
  CHECK(text.size() < 140);
  CHECK(text.rfind("[100000, 100001", 0) == 0);

  Pickle q;
  q.proto(2).op('(').binfloat(1e16).binfloat(1e-5).binfloat(123.0).binfloat(0.0001).op('t').stop();
  const auto d2 = q.parse();
  CHECK(d2.describe(d2.root()) == "(1e+16, 1e-05, 123.0, 0.0001)");
}

// ---------------------------------------------------------------------------------------------
// Hostile input

TEST_CASE("GLOBAL of a dangerous callable is refused before anything runs", "[pickle]") {
  Pickle p;
  p.proto(2).global("os", "system").binunicode("echo pwned").op(0x85).op('R').stop();
  CHECK(parse_error(p) ==
        "case.pkl: refused global 'os.system' at byte 2 (only numpy scalar/dtype are allowed)");

  const std::pair<const char*, const char*> refused[] = {{"posix", "system"},
                                                         {"subprocess", "Popen"},
                                                         {"builtins", "eval"},
                                                         {"builtins", "exec"},
                                                         {"__builtin__", "eval"},
                                                         {"copyreg", "_reconstructor"},
                                                         {"copy_reg", "_reconstructor"},
                                                         {"numpy", "load"},
                                                         {"__main__", "Foo"},
                                                         {"numpy.core.multiarray", "_reconstruct"},
                                                         {"builtins", "getattr"}};
  for (const auto& [module, name] : refused) {
    Pickle q;
    q.proto(2).op('(').global(module, name).op('t').stop();
    CHECK_THROWS_WITH(q.parse(), Catch::Contains(std::string("refused global '") + module + "." +
                                                 name + "' at byte 3"));
  }
  Pickle hostile_text;
  hostile_text.proto(2).global("os\x01\x1b[2J", "system").stop();
  CHECK_THROWS_WITH(hostile_text.parse(), Catch::Contains("'os\\x01\\x1b[2J.system'"));
}

TEST_CASE("STACK_GLOBAL of builtins.eval is refused", "[pickle]") {
  Pickle p;
  p.proto(4).str("builtins").op(0x94).str("eval").op(0x94).op(0x93);
  p.binunicode("__import__('os').system('id')").op(0x85).op('R').stop();
  CHECK(parse_error(p) ==
        "case.pkl: refused global 'builtins.eval' at byte 20 (only numpy scalar/dtype are "
        "allowed)");
  Pickle q;
  q.proto(4).str("numpy").int1(1).op(0x93).stop();
  CHECK_THROWS_WITH(q.parse(), Catch::Contains("STACK_GLOBAL needs two strings"));
}

TEST_CASE("The __reduce__ of an arbitrary class is refused", "[pickle]") {
  // Protocol 0/1 form: copyreg._reconstructor(cls, object, None) + BUILD.
  Pickle p1;
  p1.global("copy_reg", "_reconstructor").op('(').global("__main__", "Evil").stop();
  CHECK_THROWS_WITH(p1.parse(), Catch::Contains("refused global 'copy_reg._reconstructor'"));
  // Protocol 2 form: cls.__new__ through NEWOBJ, even on an allowed callable.
  Pickle p2;
  p2.proto(2).global("numpy", "dtype").op(')').op(0x81).stop();
  CHECK_THROWS_WITH(p2.parse(), Catch::StartsWith("case.pkl: refused opcode 'NEWOBJ' at byte 16"));
  const std::pair<int, const char*> refused[] = {
      {0x92, "NEWOBJ_EX"}, {'i', "INST"},  {'o', "OBJ"},    {0x82, "EXT1"},
      {0x83, "EXT2"},      {0x84, "EXT4"}, {'P', "PERSID"}, {'Q', "BINPERSID"}};
  for (const auto& [code, name] : refused) {
    Pickle q;
    q.proto(2).op('N').op(')').op(code).raw("x\ny\n").stop();
    CHECK_THROWS_WITH(q.parse(),
                      Catch::Contains(std::string("refused opcode '") + name + "' at byte 4"));
  }
  const std::pair<int, const char*> unsupported[] = {{0x8f, "EMPTY_SET"},
                                                     {0x91, "FROZENSET"},
                                                     {0x96, "BYTEARRAY8"},
                                                     {0x97, "NEXT_BUFFER"},
                                                     {'S', "STRING"}};
  for (const auto& [code, name] : unsupported) {
    Pickle q;
    q.proto(5).op(code).stop();
    CHECK_THROWS_WITH(q.parse(), Catch::Contains(std::string("unsupported opcode '") + name));
  }
}

TEST_CASE("REDUCE is refused unless the callable is an allowed global with valid arguments",
          "[pickle]") {
  Pickle on_none;
  on_none.proto(2).op('N').op(')').op('R').stop();
  CHECK(parse_error(on_none).rfind("case.pkl: refused opcode 'REDUCE' at byte 4", 0) == 0);
  Pickle on_dtype_object;  // a dtype object is not callable here
  on_dtype_object.proto(2).global("numpy", "dtype").binunicode("f8").op(0x85).op('R');
  on_dtype_object.op(')').op('R').stop();
  CHECK_THROWS_WITH(on_dtype_object.parse(), Catch::Contains("refused opcode 'REDUCE'"));

  const auto reduce_error = [](const std::string& module, const std::string& name,
                               const std::function<void(Pickle&)>& args) {
    Pickle p;
    p.proto(2).global(module, name);
    args(p);
    p.op('R').stop();
    return parse_error(p);
  };
  CHECK_THAT(reduce_error("numpy", "dtype", [](Pickle& p) { p.binunicode("O").op(0x85); }),
             Catch::Contains("unsupported numpy dtype 'O'"));
  CHECK_THAT(reduce_error("numpy", "dtype", [](Pickle& p) { p.binunicode("f16").op(0x85); }),
             Catch::Contains("unsupported numpy dtype"));
  CHECK_THAT(reduce_error("numpy", "dtype", [](Pickle& p) { p.op('N'); }),
             Catch::Contains("not a tuple"));
  CHECK_THAT(reduce_error("numpy", "dtype", [](Pickle& p) { p.op(']').op(0x85); }),
             Catch::Contains("type code string"));
  CHECK_THAT(reduce_error("numpy.core.multiarray", "scalar",
                          [](Pickle& p) {
                            p.global("numpy", "dtype").binunicode("f8").op(0x85).op('R');
                            p.bytes("1234").op(0x86);
                          }),
             Catch::Contains("8-byte dtype has 4 data bytes"));
  CHECK_THAT(reduce_error("numpy.core.multiarray", "scalar",
                          [](Pickle& p) { p.op('N').bytes("12345678").op(0x86); }),
             Catch::Contains("(dtype, bytes)"));
  CHECK_THAT(reduce_error("_codecs", "encode",
                          [](Pickle& p) { p.binunicode("x").binunicode("utf-8").op(0x86); }),
             Catch::Contains("encode(str, 'latin1')"));
  CHECK_THAT(
      reduce_error("_codecs", "encode",
                   [](Pickle& p) { p.binunicode("\xe2\x98\x83").binunicode("latin1").op(0x86); }),
      Catch::Contains("beyond latin-1"));
  CHECK_THAT(reduce_error("builtins", "bytes", [](Pickle& p) { p.int4(1 << 30).op(0x85); }),
             Catch::Contains("without arguments"));
}

TEST_CASE("Malformed numpy scalars and dtypes are refused", "[pickle]") {
  // A protocol-2 scalar as Python writes it, with its parts replaced.
  const auto scalar_error = [](std::string_view code, char order, const std::string& data) {
    Pickle p;
    p.proto(2).op('(');
    numpy_scalar_p2(p, code, order, data);
    p.op('t').stop();
    return parse_error(p);
  };
  using Catch::Contains;
  CHECK(scalar_error("f8", '<', raw_of(0.5)).empty());
  CHECK_THAT(scalar_error("f8", '<', "1234567"), Contains("8-byte dtype has 7 data bytes"));
  CHECK_THAT(scalar_error("f8", '<', "123456789"), Contains("8-byte dtype has 9 data bytes"));
  CHECK_THAT(scalar_error("f8", '<', ""), Contains("8-byte dtype has 0 data bytes"));
  CHECK_THAT(scalar_error("i8", '<', raw_of(std::int32_t{1})),
             Contains("8-byte dtype has 4 data bytes"));
  CHECK_THAT(scalar_error("f4", '<', raw_of(0.5)), Contains("4-byte dtype has 8 data bytes"));
  CHECK_THAT(scalar_error("b1", '|', "\1\1"), Contains("1-byte dtype has 2 data bytes"));
  for (const char* code : {"c16", "c8", "M8", "m8", "U1", "S8", "V8", "O8", "f16", "f3", "i3", "b2",
                           "f", "", "!f8", "<<f8"}) {
    INFO(code);
    CHECK_THAT(scalar_error(code, '<', raw_of(0.5)), Contains("unsupported numpy dtype"));
  }
  CHECK_THAT(scalar_error("f8", 'x', raw_of(0.5)), Contains("numpy dtype state"));
  CHECK_THAT(scalar_error("f8", '\0', raw_of(0.5)), Contains("numpy dtype state"));

  const auto dtype_error = [](const std::function<void(Pickle&)>& args) {
    Pickle p;
    p.proto(2).global("numpy", "dtype");
    args(p);
    p.op('R').op('N').op(0x86).stop();
    return parse_error(p);
  };
  CHECK_THAT(dtype_error([](Pickle& p) { p.op(')'); }), Contains("1 to 3 arguments, got 0"));
  CHECK_THAT(
      dtype_error([](Pickle& p) { p.op('(').binunicode("f8").op(0x89).op(0x88).op(0x88).op('t'); }),
      Contains("1 to 3 arguments, got 4"));
  CHECK_THAT(dtype_error([](Pickle& p) { p.binunicode("f8").binunicode("x").op(0x86); }),
             Contains("flags must be booleans"));
  CHECK_THAT(dtype_error([](Pickle& p) { p.binunicode("f8").binfloat(1).op(0x86); }),
             Contains("flags must be booleans"));
  CHECK_THAT(dtype_error([](Pickle& p) { p.int1(8).op(0x85); }), Contains("type code string"));

  const auto state_error = [](const std::function<void(Pickle&)>& state) {
    Pickle p;
    p.proto(2).global("numpy", "dtype").binunicode("f8").op(0x85).op('R');
    state(p);
    p.op('b').stop();
    return parse_error(p);
  };
  CHECK_THAT(state_error([](Pickle& p) { p.int1(3).op(0x85); }), Contains("numpy dtype state"));
  CHECK_THAT(state_error([](Pickle& p) { p.op('N'); }), Contains("numpy dtype state"));
  CHECK_THAT(state_error([](Pickle& p) { p.int1(3).binunicode("<<").op(0x86); }),
             Contains("numpy dtype state"));
  CHECK_THAT(state_error([](Pickle& p) {  // a structured dtype's field names
               p.op('(').int1(3).binunicode("|").op('N').op(')').op('N').op('t');
             }),
             Contains("numpy dtype state"));

  // scalar() arguments: exactly (dtype, bytes).
  const auto call_error = [](const std::function<void(Pickle&)>& args) {
    Pickle p;
    p.proto(2).global("numpy.core.multiarray", "scalar");
    args(p);
    p.op('R').stop();
    return parse_error(p);
  };
  const auto dtype = [](Pickle& p) {
    p.global("numpy", "dtype").binunicode("f8").op(0x85).op('R');
  };
  CHECK_THAT(call_error([&](Pickle& p) {
               dtype(p);
               p.bytes(raw_of(0.5)).op('N').op(0x87);
             }),
             Contains("(dtype, bytes) arguments"));
  CHECK_THAT(call_error([&](Pickle& p) {
               p.bytes(raw_of(0.5));
               dtype(p);
               p.op(0x86);
             }),
             Contains("(dtype, bytes) arguments"));
  CHECK_THAT(call_error([&](Pickle& p) {
               dtype(p);
               p.binunicode("12345678").op(0x86);
             }),
             Contains("(dtype, bytes) arguments"));
  CHECK_THAT(call_error([&](Pickle& p) { p.global("numpy", "dtype").bytes(raw_of(0.5)).op(0x86); }),
             Contains("(dtype, bytes) arguments"));
  CHECK_THAT(call_error([&](Pickle& p) {
               dtype(p);
               p.op(0x85);
             }),
             Contains("(dtype, bytes) arguments"));
}

TEST_CASE("BUILD is refused on anything but a numpy dtype", "[pickle]") {
  Pickle p;
  p.proto(2).op('}').op('}').op('b').stop();
  CHECK(parse_error(p).rfind("case.pkl: refused opcode 'BUILD' at byte 4", 0) == 0);
  Pickle bad_state;
  bad_state.proto(2).global("numpy", "dtype").binunicode("f8").op(0x85).op('R');
  bad_state.op('(').int1(3).binunicode("<").op('N').op(']').op('N').op('t').op('b').stop();
  CHECK_THROWS_WITH(bad_state.parse(), Catch::Contains("numpy dtype state"));
}

TEST_CASE("Callables and dtype objects cannot end up in the data", "[pickle]") {
  Pickle root_global;
  root_global.proto(2).global("numpy", "dtype").stop();
  CHECK_THROWS_WITH(root_global.parse(), Catch::Contains("not data"));
  Pickle in_list;
  in_list.proto(2)
      .op(']')
      .global("numpy", "dtype")
      .binunicode("f8")
      .op(0x85)
      .op('R')
      .op('a')
      .stop();
  CHECK_THROWS_WITH(in_list.parse(), Catch::Contains("numpy dtype object into a list"));
  Pickle in_tuple;
  in_tuple.proto(2).global("numpy", "dtype").op(0x85).stop();
  CHECK_THROWS_WITH(in_tuple.parse(), Catch::Contains("not data"));
}

TEST_CASE("Deep nesting and MARK floods are refused without recursion", "[pickle]") {
  constexpr int kDeep = 100000;
  SECTION("EMPTY_LIST x N then APPEND x N") {
    Pickle p;
    p.proto(2);
    for (int i = 0; i < kDeep; ++i) p.op(']');
    for (int i = 1; i < kDeep; ++i) p.op('a');
    p.stop();
    CHECK_THROWS_WITH(p.parse(), Catch::Contains("nested deeper than 1000"));
  }
  SECTION("a chain built through the memo with a flat stack") {
    Pickle p;
    p.proto(4).op(']').op(0x94);
    for (int i = 1; i < 5000; ++i) {
      p.op(']').op('r').le(static_cast<std::uint64_t>(i), 4).op('j');
      p.le(static_cast<std::uint64_t>(i - 1), 4).op('j').le(static_cast<std::uint64_t>(i), 4);
      p.op('a').op('0').op('0');
    }
    p.op('j').le(0, 4).stop();
    CHECK_THROWS_WITH(p.parse(), Catch::Contains("nested deeper than 1000"));
  }
  SECTION("exactly the maximum depth is fine") {
    Pickle p;
    p.proto(2);
    for (std::size_t i = 0; i < pk::kMaxDepth; ++i) p.op(']');
    for (std::size_t i = 1; i < pk::kMaxDepth; ++i) p.op('a');
    p.stop();
    CHECK_NOTHROW(p.parse());
  }
  SECTION("MARK flood") {
    Pickle p;
    p.proto(2);
    for (int i = 0; i < kDeep; ++i) p.op('(');
    p.stop();
    CHECK_THROWS_WITH(p.parse(), Catch::Contains("open MARKs"));
  }
  SECTION("deep tuples") {
    Pickle p;
    p.proto(2).op('N');
    for (int i = 0; i < kDeep; ++i) p.op(0x85);
    p.stop();
    CHECK_THROWS_WITH(p.parse(), Catch::Contains("nested deeper"));
  }
  SECTION("a dict containing itself") {
    Pickle p;
    p.proto(2).op('}').op('q').le(0, 1).str("self").op('h').le(0, 1).op('s').stop();
    CHECK_THROWS_WITH(p.parse(), Catch::Contains("contains itself"));
  }
}

TEST_CASE("Huge declared lengths fail as truncation without allocating", "[pickle]") {
  const std::pair<int, int> length_ops[] = {{0x8d, 8}, {0x8e, 8}, {'X', 4}, {'B', 4},
                                            {'T', 4},  {0x8b, 4}, {0x95, 8}};
  const std::vector<std::uint64_t> wide = {std::uint64_t{1} << 63, ~std::uint64_t{0},
                                           std::uint64_t{0x7fffffffffffffff}};
  const std::vector<std::uint64_t> narrow = {0xffffffff, 0x80000000, 0x7fffffff};
  for (const auto& [code, width] : length_ops) {
    for (std::uint64_t n : width == 8 ? wide : narrow) {
      Pickle p;
      p.proto(4).op(code).le(n, width).raw("abc").stop();
      const std::string error = parse_error(p);
      CAPTURE(code, n, error);
      CHECK(error.rfind("case.pkl: ", 0) == 0);
      CHECK((error.find("truncated") != std::string::npos ||
             error.find("negative length") != std::string::npos));
    }
  }
}

TEST_CASE("Bad memo use, stack underflow and misplaced opcodes are errors", "[pickle]") {
  const auto error_of = [](const std::function<void(Pickle&)>& body) {
    Pickle p;
    p.proto(4);
    body(p);
    p.stop();
    return parse_error(p);
  };
  using Catch::Contains;
  CHECK_THAT(error_of([](Pickle& p) { p.op('N').op('j').le(0xffffffff, 4); }),
             Contains("memo get of id 4294967295 that was never put at byte 3"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('N').op('q').le(0, 1).op('h').le(1, 1); }),
             Contains("never put"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('N').op('r').le(0xfffffff0, 4); }),
             Contains("too far out of sequence"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('q').le(0, 1); }), Contains("stack underflow"));
  CHECK_THAT(error_of([](Pickle& p) { p.op(0x94); }), Contains("stack underflow"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('a'); }), Contains("stack underflow: APPEND"));
  CHECK_THAT(error_of([](Pickle& p) { p.op(']').op('(').op('a'); }), Contains("stack underflow"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('}').int1(1).op('a'); }),
             Contains("APPEND onto a dict, expected a list"));
  CHECK_THAT(error_of([](Pickle& p) { p.op(']').int1(1).int1(2).op('s'); }),
             Contains("SETITEM onto a list, expected a dict"));
  CHECK_THAT(error_of([](Pickle& p) { p.op(')').int1(1).int1(2).op('s'); }),
             Contains("SETITEM onto a tuple"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('}').op('(').int1(1).op('u'); }),
             Contains("odd number of items"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('(').int1(1).op('u'); }),
             Contains("no container below its MARK"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('t'); }), Contains("TUPLE without a matching MARK"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('1'); }), Contains("POP_MARK without a matching MARK"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('0'); }), Contains("stack underflow"));
  CHECK_THAT(error_of([](Pickle&) {}), Contains("stack underflow: STOP"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('}').op(']').int1(1).op('s'); }),
             Contains("unhashable"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('}').op('}').int1(1).op('s'); }),
             Contains("unhashable"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('}').int1(1).op(']').op(0x86).int1(1).op('s'); }),
             Contains("unhashable"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('N').op(0xff); }),
             Contains("unknown opcode 0xff at byte 3"));
  CHECK_THAT(error_of([](Pickle& p) { p.op('N').op(0x80).le(6, 1); }),
             Contains("unsupported pickle protocol 6"));
  // Hashable tuple keys and all scalar keys are fine.
  CHECK(error_of([](Pickle& p) {
          p.op('}').op('(').op(')').int1(1).op('N').int1(2).binfloat(1).int1(3).op(0x88);
          p.int1(4).bytes("b").int1(5).op(')').op(0x85).op(0x85).int1(6).op('u');
        }) == "");
}

TEST_CASE("Every truncated prefix of a valid pickle throws DataError", "[pickle]") {
  const Pickle p = sample_pickle();
  const auto doc = p.parse();  // the whole pickle is valid
  REQUIRE(doc.size(doc.root()) == 4);
  CHECK(doc.as_real(doc.value(doc.root(), 3)) == 1.25);
  const auto& bytes = p.data();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(n));
    std::string error;
    try {
      parse_vec(prefix);
    } catch (const nhb2::DataError& e) {
      error = e.what();
    }
    CAPTURE(n, error);
    CHECK(error.rfind("case.pkl: truncated", 0) == 0);
  }
}

TEST_CASE("Random byte flips of a valid pickle either parse or throw DataError", "[pickle]") {
  const Pickle p = sample_pickle();
  std::mt19937 rng(12345);
  int parsed = 0;
  int refused = 0;
  for (int variant = 0; variant < 4000; ++variant) {
    std::vector<std::uint8_t> bytes = p.data();
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = rng() % bytes.size();
      bytes[at] = (variant % 2 == 0) ? static_cast<std::uint8_t>(rng())
                                     : static_cast<std::uint8_t>(bytes[at] ^ (1u << (rng() % 8)));
    }
    try {
      const auto doc = parse_vec(bytes);
      walk_all(doc);
      ++parsed;
    } catch (const nhb2::DataError& e) {
      ++refused;
      INFO(e.what());
      CHECK(std::string(e.what()).rfind("case.pkl: ", 0) == 0);
    }
  }
  CHECK(parsed + refused == 4000);
  CHECK(refused > 0);
}

TEST_CASE("parse_file reads in windows with the same result and errors as parse", "[pickle]") {
  namespace fs = std::filesystem;
  const fs::path path = fs::temp_directory_path() /
                        ("nhb2-window-" + std::to_string(std::random_device{}()) + ".pkl");
  const auto write = [&](const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  };
  // Protocol 0 lines, a string longer than the windows, numpy scalars at protocols 2 and 4.
  Pickle text;
  text.op('(').op('I').raw("12345\n").op('F').raw("0.125\n").op('V').raw("h\\u00e9llo\n");
  text.global("numpy", "dtype").op('0').binunicode(std::string(300, 'x')).op('t').stop();
  std::vector<double> reals;
  for (int i = 0; i < 300; ++i) reals.push_back(i * 0.1);
  const Pickle cases[] = {sample_pickle(), text, python_numpy_list(2, reals, {1, 2}),
                          python_numpy_list(4, reals, {3})};
  for (const Pickle& p : cases) {
    write(p.data());
    const auto whole = p.parse();
    Flattener expected(whole);
    expected.add(whole.root());
    for (const std::size_t window : {1, 2, 3, 7, 64, 1 << 20}) {
      INFO("window " << window);
      const auto doc = pk::parse_file(path.string(), window);
      Flattener got(doc);
      got.add(doc.root());
      CHECK(got.lines == expected.lines);
      CHECK(doc.node_count() == whole.node_count());
    }
    // Truncated: the same message (file offsets) whatever the window.
    const std::vector<std::uint8_t>& bytes = p.data();
    for (std::size_t n = 0; n < bytes.size(); n += 1 + n / 3) {
      const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(n));
      write(prefix);
      std::string in_memory;
      try {
        pk::parse(prefix.data(), prefix.size(), path.string());
      } catch (const nhb2::DataError& e) {
        in_memory = e.what();
      }
      REQUIRE(!in_memory.empty());
      for (const std::size_t window : {1, 5, 64}) {
        CAPTURE(n, window);
        CHECK_THROWS_WITH(pk::parse_file(path.string(), window), in_memory);
      }
    }
  }
  fs::remove(path);
}

TEST_CASE("parse_file reports a missing file as DataError", "[pickle]") {
  CHECK_THROWS_AS(pk::parse_file("/nonexistent/dir/bench12.pkl"), nhb2::DataError);
  CHECK_THROWS_WITH(pk::parse_file("/nonexistent/dir/bench12.pkl"),
                    Catch::StartsWith("/nonexistent/dir/bench12.pkl: cannot open"));
}

TEST_CASE("Real Python pickles of protocols 0 to 5 read back as Python reads them", "[pickle]") {
  // Prefer an interpreter with numpy so numpy scalars are covered too.
  std::string python;
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    const std::string probe = std::string(candidate) + " -c 'import numpy' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) {
      python = candidate;
      break;
    }
  }
  if (python.empty() && std::system("python3 -c 'import pickle' >/dev/null 2>&1") == 0) {
    python = "python3";
  }
  if (python.empty()) {
    WARN("python3 is not available: skipping the real-pickle comparison");
    return;
  }
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("nhb2-pickle-cases-" + std::to_string(std::random_device{}()));
  const std::string script = std::string(NHB2_SOURCE_DIR) + "/tests/fixtures/make_pickle_cases.py";
  const std::string command = python + " '" + script + "' '" + dir.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);

  std::ifstream expected_file(dir / "expected.txt");
  REQUIRE(expected_file);
  std::string line;
  std::getline(expected_file, line);
  if (line != "numpy 1") WARN("numpy is not importable: numpy scalar pickles are not covered");
  int files = 0;
  while (std::getline(expected_file, line)) {
    REQUIRE(line.rfind("file ", 0) == 0);
    const std::string name = line.substr(5);
    std::vector<std::string> expected;
    while (std::getline(expected_file, line) && line != "end") expected.push_back(line);
    const auto doc = pk::parse_file((dir / name).string());
    Flattener flat(doc);
    flat.add(doc.root());
    INFO(name);
    {
      const auto windowed = pk::parse_file((dir / name).string(), 7);
      Flattener again(windowed);
      again.add(windowed.root());
      CHECK(again.lines == flat.lines);
    }
    REQUIRE(flat.lines.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (flat.lines[i] != expected[i]) {
        INFO("token " << i);
        CHECK(flat.lines[i] == expected[i]);
        break;
      }
    }
    ++files;
  }
  CHECK(files >= 12);
  fs::remove_all(dir);
}
