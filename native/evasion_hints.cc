// The evasion-hint pass (see evasion_hints.h; the specification is lib/engine/evasion-hints.ts).
//
// Nearly every hint is a non-ASCII code point, and in UTF-8 a well-formed sequence starts only at a
// lead byte (C2..F4) and holds only continuation bytes after it. So the pass never decodes ASCII:
// SIMD skips 256 bytes at once when none has its top bit set and none is an ASCII invisible (the
// usual case in logs; the ASCII invisibles are a byte set, tested like the leads), then finds the
// lead bytes 64 at a time, keeping only leads that begin some listed code point (a config-derived
// byte set, tested with two PSHUFB nibble lookups), so text in other scripts is skipped as well.
// Each remaining lead is checked on its own: is a well-formed sequence there, is its code point in
// a list, and, for invisibles, is the byte before it an ASCII digit (an ASCII byte is always a
// code point of its own, so "the byte before" is "the code point before").
// Streams carry only the bytes of a sequence cut by a chunk's end and whether a digit preceded it.
#include "evasion_hints.h"
#include "le_bytes.h"

#include <cstring>
#include <stdexcept>
#include <utility>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define CARDVEIL_X86 1
#endif

namespace cardveil {
namespace {

constexpr uint32_t kLastCodePoint = 0x10FFFF;
constexpr size_t kPages = (kLastCodePoint >> 8) + 1;  // 0x1100

inline bool isDigit(uint8_t c) { return static_cast<uint8_t>(c - '0') < 10; }

// Continuation bytes a well-formed sequence needs after lead byte c, or -1 when c is no lead (ASCII,
// a continuation byte, the overlong leads C0/C1, or F5..FF, which would exceed U+10FFFF).
inline int continuationCount(uint8_t c) {
  if (c < 0xC2 || c > 0xF4) return -1;
  return c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
}

// Whether c may be byte k (1..3) after `lead` (Unicode table 3-7): the second byte's range narrows
// after E0 (overlong), ED (surrogates), F0 (overlong) and F4 (above U+10FFFF).
inline bool continuationOk(uint8_t lead, unsigned k, uint8_t c) {
  if (k == 1) {
    const uint8_t low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    const uint8_t high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    return c >= low && c <= high;
  }
  return (c & 0xC0) == 0x80;
}

// The code point of a well-formed sequence s[0..more] (checked by the caller).
inline uint32_t decode(const uint8_t* s, int more) {
  uint32_t cp = s[0] & (0x7Fu >> (more + 1));
  for (int k = 1; k <= more; ++k) cp = (cp << 6) | (s[k] & 0x3Fu);
  return cp;
}

// ---- Lead-byte masks, one variant per instruction set --------------------------------------------
// leads(p, t): bit i set when p[i] may be a lead in the finder's lead set t (64 bytes): exactly the
// set with PSHUFB, or every byte >= 0xC2 without it (the scanner checks t.any[] on each one anyway).
// anyHigh(p): some byte of p[0..256) is >= 0x80.
// ascii(p, t): bit i set when p[i] is an ASCII invisible right after an ASCII digit (exactly; bit 0
// whatever p[-1] is: the scanner checks). Logs are full of ASCII (`=` in key=value pairs), so the
// digit test keeps most blocks out of the scalar loop. anyAscii(p, t): some bit of ascii() is set
// for one of the four 64-byte blocks of p[0..256).

using LeadTables = EvasionHintFinder::LeadTables;

struct ScalarBytes {
  static uint64_t leads(const uint8_t* p, const LeadTables&) {
    uint64_t m = 0;
    for (unsigned i = 0; i < 64; ++i) m |= static_cast<uint64_t>(p[i] >= 0xC2) << i;
    return m;
  }
  static bool anyHigh(const uint8_t* p) {
    uint64_t acc = 0;
    for (unsigned i = 0; i < 256; i += 8) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      acc |= word;
    }
    return (acc & 0x8080808080808080ULL) != 0;
  }
  static uint64_t ascii(const uint8_t* p, const LeadTables& t) {
    uint64_t m = 0;
    for (unsigned i = 0; i < 64; ++i) {
      m |= static_cast<uint64_t>(p[i] < 0x80 && t.ascii[p[i]] && (i == 0 || isDigit(p[i - 1]))) << i;
    }
    return m;
  }
  static bool anyAscii(const uint8_t* p, const LeadTables& t) {
    return (ascii(p, t) | ascii(p + 64, t) | ascii(p + 128, t) | ascii(p + 192, t)) != 0;
  }
};

#ifdef CARDVEIL_X86
// SSE2 (every x86-64).
struct Sse2Bytes {
  static inline uint64_t leads(const uint8_t* p, const LeadTables&) {
    const __m128i floor = _mm_set1_epi8(static_cast<char>(0xC2));
    uint64_t m = 0;
    for (unsigned i = 0; i < 4; ++i) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const __m128i ge = _mm_cmpeq_epi8(_mm_max_epu8(x, floor), x);
      m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(ge))) << (16 * i);
    }
    return m;
  }
  static inline bool anyHigh(const uint8_t* p) {
    __m128i acc = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    for (unsigned i = 16; i < 256; i += 16) acc = _mm_or_si128(acc, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
    return _mm_movemask_epi8(acc) != 0;
  }
  // No PSHUFB in SSE2: a byte below the highest ASCII invisible is looked up in the table.
  static inline uint64_t ascii(const uint8_t* p, const LeadTables& t) { return ScalarBytes::ascii(p, t); }
  static inline bool anyAscii(const uint8_t* p, const LeadTables& t) { return ScalarBytes::anyAscii(p, t); }
};

struct Avx2Bytes {
  // Byte b is in the set iff low[b & 15] & high[b >> 4] != 0 (high[] is 0 for ASCII nibbles).
  __attribute__((target("avx2"))) static inline uint32_t inSet(__m256i x, __m256i low, __m256i high) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i bits = _mm256_and_si256(_mm256_shuffle_epi8(low, _mm256_and_si256(x, nibble)),
                                          _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)));
    return ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bits, _mm256_setzero_si256())));
  }
  __attribute__((target("avx2"))) static inline uint64_t leads(const uint8_t* p, const LeadTables& t) {
    const __m256i low = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.low));
    const __m256i high = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.high));
    const uint32_t m0 = inSet(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), low, high);
    const uint32_t m1 = inSet(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), low, high);
    return m0 | static_cast<uint64_t>(m1) << 32;
  }
  __attribute__((target("avx2"))) static inline bool anyHigh(const uint8_t* p) {
    __m256i acc = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    for (unsigned i = 32; i < 256; i += 32) {
      acc = _mm256_or_si256(acc, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
    }
    return _mm256_movemask_epi8(acc) != 0;
  }
  // Nonzero bytes where x is in the ASCII set.
  __attribute__((target("avx2"))) static inline __m256i asciiBits(__m256i x, const LeadTables& t) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i low = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.asciiLow));
    const __m256i high = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.asciiHigh));
    return _mm256_and_si256(_mm256_shuffle_epi8(low, _mm256_and_si256(x, nibble)),
                            _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)));
  }
  // Bit i: x[i] is in the ASCII set; bit i of *digits: x[i] is '0'..'9'.
  __attribute__((target("avx2"))) static inline uint32_t asciiMask(__m256i x, const LeadTables& t, uint32_t* digits) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i v = _mm256_sub_epi8(x, _mm256_set1_epi8('0'));
    *digits = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(9)), v)));
    return ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(asciiBits(x, t), zero)));
  }
  __attribute__((target("avx2"))) static inline uint64_t ascii(const uint8_t* p, const LeadTables& t) {
    uint32_t d0, d1;
    const uint32_t m0 = asciiMask(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), t, &d0);
    const uint32_t m1 = asciiMask(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), t, &d1);
    const uint64_t digits = d0 | static_cast<uint64_t>(d1) << 32;
    return (m0 | static_cast<uint64_t>(m1) << 32) & (digits << 1 | 1);
  }
  __attribute__((target("avx2"))) static inline bool anyAscii(const uint8_t* p, const LeadTables& t) {
    return (ascii(p, t) | ascii(p + 64, t) | ascii(p + 128, t) | ascii(p + 192, t)) != 0;
  }
};

struct Avx512Bytes {
  __attribute__((target("avx512f,avx512bw"))) static inline uint64_t leads(const uint8_t* p, const LeadTables& t) {
    const __m512i low = _mm512_load_si512(t.low);
    const __m512i high = _mm512_load_si512(t.high);
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512i x = _mm512_loadu_si512(p);
    const __m512i bits = _mm512_and_si512(_mm512_shuffle_epi8(low, _mm512_and_si512(x, nibble)),
                                          _mm512_shuffle_epi8(high, _mm512_and_si512(_mm512_srli_epi16(x, 4), nibble)));
    return _mm512_test_epi8_mask(bits, bits);
  }
  __attribute__((target("avx512f,avx512bw"))) static inline bool anyHigh(const uint8_t* p) {
    const __m512i a = _mm512_or_si512(_mm512_loadu_si512(p), _mm512_loadu_si512(p + 64));
    const __m512i b = _mm512_or_si512(_mm512_loadu_si512(p + 128), _mm512_loadu_si512(p + 192));
    return _mm512_movepi8_mask(_mm512_or_si512(a, b)) != 0;
  }
  __attribute__((target("avx512f,avx512bw"))) static inline uint64_t ascii(const uint8_t* p, const LeadTables& t) {
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512i x = _mm512_loadu_si512(p);
    const __m512i bits = _mm512_and_si512(_mm512_shuffle_epi8(_mm512_load_si512(t.asciiLow), _mm512_and_si512(x, nibble)),
                                          _mm512_shuffle_epi8(_mm512_load_si512(t.asciiHigh), _mm512_and_si512(_mm512_srli_epi16(x, 4), nibble)));
    const uint64_t digits = _mm512_cmple_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('0')), _mm512_set1_epi8(9));
    return _mm512_test_epi8_mask(bits, bits) & (digits << 1 | 1);
  }
  __attribute__((target("avx512f,avx512bw"))) static inline bool anyAscii(const uint8_t* p, const LeadTables& t) {
    return (ascii(p, t) | ascii(p + 64, t) | ascii(p + 128, t) | ascii(p + 192, t)) != 0;
  }
};
#endif

// ---- The scan ------------------------------------------------------------------------------------

// One chunk for one finder and state; short-lived, on the stack.
class Scanner {
 public:
  Scanner(const EvasionHintFinder& f, EvasionHintState& s, bool final, std::vector<Match>& out)
      : f_(f), s_(s), final_(final), out_(out) {}

  // kAscii: the finder has ASCII invisibles (without them the ASCII test is left out).
  template <class B, bool kAscii>
  void scan(const uint8_t* d, size_t n) {
    if (n == 0) return;
    if (s_.pendingLen > 0 && !finishPending(d, n)) return;
    const LeadTables& t = f_.leads();
    size_t next = 0;  // bytes before it are consumed (part of a sequence already handled)
    size_t p = 0;
    while (p + 256 <= n) {
      if (B::anyHigh(d + p) || (kAscii && B::anyAscii(d + p, t))) {
        for (unsigned k = 0; k < 4; ++k) {
          const uint8_t* at = d + p + 64 * k;
          next = block(d, n, p + 64 * k, B::leads(at, t), kAscii ? B::ascii(at, t) : 0, next);
        }
      }
      p += 256;
    }
    for (; p + 64 <= n; p += 64) next = block(d, n, p, B::leads(d + p, t), kAscii ? B::ascii(d + p, t) : 0, next);
    for (size_t q = p > next ? p : next; q < n;) {
      if (d[q] >= 0xC2) {
        q = lead(d, n, q);
      } else {
        if (kAscii && d[q] < 0x80 && t.ascii[d[q]]) asciiInvisible(d, q);
        ++q;
      }
    }
    s_.lastWasDigit = isDigit(d[n - 1]);
    s_.base += n;
  }

 private:
  // The leads and ASCII invisibles of one 64-byte block at d[p], in order; returns the new `next`.
  // An ASCII byte is never inside a sequence, so `next` does not apply to it.
  size_t block(const uint8_t* d, size_t n, size_t p, uint64_t leads, uint64_t ascii, size_t next) {
    for (uint64_t events = leads | ascii; events != 0; events &= events - 1) {
      const unsigned i = static_cast<unsigned>(__builtin_ctzll(events));
      const size_t q = p + i;
      if ((ascii >> i) & 1) {
        asciiInvisible(d, q);
      } else if (q >= next) {
        next = lead(d, n, q);
      }
    }
    return next;
  }

  // d[q] is an ASCII invisible: a hint when an ASCII digit is right before it.
  void asciiInvisible(const uint8_t* d, size_t q) {
    if (afterDigit(d, q)) out_.push_back(Match{f_.id(), s_.base + q, s_.base + q + 1});
  }

  bool afterDigit(const uint8_t* d, size_t q) const { return q > 0 ? isDigit(d[q - 1]) : s_.lastWasDigit; }

  // The byte d[q] >= 0xC2 may start a sequence; returns the offset after what it consumed. A lead
  // outside the lead set cannot begin a hint: skip it (its continuation bytes are no leads).
  size_t lead(const uint8_t* d, size_t n, size_t q) {
    const uint8_t c = d[q];
    if (!f_.leads().any[c]) return q + 1;
    const int more = continuationCount(c);
    if (more < 0) return q + 1;  // never in the lead set; kept so a bad table cannot misdecode
    int k = 1;
    for (; k <= more && q + k < n; ++k) {
      if (!continuationOk(c, static_cast<unsigned>(k), d[q + k])) return q + 1;  // one invalid byte
    }
    if (k <= more) {  // cut by the end of the chunk, well formed so far
      if (!final_) {
        s_.pendingLen = static_cast<uint8_t>(n - q);
        std::memcpy(s_.pending, d + q, n - q);
        s_.pendingAfterDigit = afterDigit(d, q);
      }
      return n;
    }
    report(decode(d + q, more), s_.base + q, s_.base + q + more + 1, afterDigit(d, q));
    return q + more + 1;
  }

  // Completes the sequence the previous chunk cut with the first bytes of d. Returns false when d
  // was all consumed by it (the sequence is still cut).
  bool finishPending(const uint8_t* d, size_t n) {
    uint8_t seq[4];
    std::memcpy(seq, s_.pending, s_.pendingLen);
    const uint8_t held = s_.pendingLen;
    const int more = continuationCount(seq[0]);
    int have = held;  // bytes of the sequence known, lead included
    size_t used = 0;
    s_.pendingLen = 0;
    for (; have <= more && used < n; ++have, ++used) {
      if (!continuationOk(seq[0], static_cast<unsigned>(have), d[used])) return true;  // held bytes invalid
      seq[have] = d[used];
    }
    if (have <= more) {  // still cut: d held only continuation bytes
      std::memcpy(s_.pending, seq, static_cast<size_t>(have));
      s_.pendingLen = static_cast<uint8_t>(have);
      s_.lastWasDigit = false;
      s_.base += n;
      return false;
    }
    report(decode(seq, more), s_.base - held, s_.base + used, s_.pendingAfterDigit);
    return true;  // d[0..used) are continuation bytes: the main scan skips them as non-leads
  }

  void report(uint32_t cp, uint64_t start, uint64_t end, bool afterDigit) {
    const uint8_t cls = f_.classOf(cp);
    if ((cls & EvasionHintFinder::kDigit) || ((cls & EvasionHintFinder::kInvisible) && afterDigit)) {
      out_.push_back(Match{f_.id(), start, end});
    }
  }

  const EvasionHintFinder& f_;
  EvasionHintState& s_;
  const bool final_;
  std::vector<Match>& out_;
};

// Runtime dispatch: the SIMD variants are compiled with target attributes so the addon needs no
// special flags; flatten inlines the scanner into one function per target.
using ScanFn = void (*)(Scanner&, const uint8_t*, size_t, bool);

#ifdef CARDVEIL_X86
[[maybe_unused]] __attribute__((target("avx512f,avx512bw"), flatten)) void scanAvx512(Scanner& s, const uint8_t* d, size_t n, bool ascii) {
  ascii ? s.scan<Avx512Bytes, true>(d, n) : s.scan<Avx512Bytes, false>(d, n);
}
[[maybe_unused]] __attribute__((target("avx2"), flatten)) void scanAvx2(Scanner& s, const uint8_t* d, size_t n, bool ascii) {
  ascii ? s.scan<Avx2Bytes, true>(d, n) : s.scan<Avx2Bytes, false>(d, n);
}
[[maybe_unused]] __attribute__((flatten)) void scanSse2(Scanner& s, const uint8_t* d, size_t n, bool ascii) {
  ascii ? s.scan<Sse2Bytes, true>(d, n) : s.scan<Sse2Bytes, false>(d, n);
}
#endif
[[maybe_unused]] void scanScalar(Scanner& s, const uint8_t* d, size_t n, bool ascii) {
  ascii ? s.scan<ScalarBytes, true>(d, n) : s.scan<ScalarBytes, false>(d, n);
}

// CARDVEIL_EVASION_HINTS_FORCE_{AVX2,SSE2,SCALAR} pin one variant, so tests can check each one.
ScanFn pickScan() {
#if !defined(CARDVEIL_X86) || defined(CARDVEIL_EVASION_HINTS_FORCE_SCALAR)
  return scanScalar;
#elif defined(CARDVEIL_EVASION_HINTS_FORCE_SSE2)
  return scanSse2;
#elif defined(CARDVEIL_EVASION_HINTS_FORCE_AVX2)
  return scanAvx2;
#else
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512bw")) return scanAvx512;
  if (__builtin_cpu_supports("avx2")) return scanAvx2;
  return scanSse2;
#endif
}

}  // namespace

// ---- Finder: configuration and lookup tables -----------------------------------------------------

EvasionHintFinder::EvasionHintFinder(uint32_t id, std::vector<CodePointRange> digits,
                                     std::vector<CodePointRange> invisibles)
    : id_(id), digits_(std::move(digits)), invisibles_(std::move(invisibles)), pageOf_(kPages, 0), pages_(1, Page{}) {
  mark(digits_, true, 0x80);
  mark(invisibles_, false, 0);
  // UTF-8 lead bytes grow with the code point (C2..DF, then E0..EF, then F0..F4), so a range's
  // code points begin with every lead from its first's to its last's.
  auto leadOf = [](uint32_t cp) -> unsigned {
    return cp < 0x800 ? 0xC0 | (cp >> 6) : cp < 0x10000 ? 0xE0 | (cp >> 12) : 0xF0 | (cp >> 18);
  };
  for (const auto* list : {&digits_, &invisibles_}) {
    for (const CodePointRange& r : *list) {
      if (r.last < 0x80) continue;  // ASCII only: no lead byte
      for (unsigned b = leadOf(r.first < 0x80 ? 0x80 : r.first); b <= leadOf(r.last); ++b) leads_.any[b] = true;
    }
  }
  for (const CodePointRange& r : invisibles_) {
    for (uint32_t b = r.first; b < 0x80 && b <= r.last; ++b) {
      leads_.ascii[b] = true;
      leads_.anyAscii = true;
      for (unsigned copy = 0; copy < 64; copy += 16) leads_.asciiLow[copy + (b & 15)] |= static_cast<uint8_t>(1u << (b >> 4));
    }
  }
  for (unsigned copy = 0; copy < 64; copy += 16) {
    for (unsigned h = 0; h < 8; ++h) leads_.asciiHigh[copy + h] = static_cast<uint8_t>(1u << h);
  }
  for (unsigned b = 0x80; b < 0x100; ++b) {
    if (!leads_.any[b]) continue;
    for (unsigned copy = 0; copy < 64; copy += 16) leads_.low[copy + (b & 15)] |= static_cast<uint8_t>(1u << ((b >> 4) - 8));
  }
  for (unsigned copy = 0; copy < 64; copy += 16) {
    for (unsigned h = 8; h < 16; ++h) leads_.high[copy + h] = static_cast<uint8_t>(1u << (h - 8));
  }
}

void EvasionHintFinder::mark(const std::vector<CodePointRange>& ranges, bool digit, uint32_t lowest) {
  for (const CodePointRange& r : ranges) {
    if (r.first < lowest || r.first > r.last || r.last > kLastCodePoint || (r.first <= 0xDFFF && r.last >= 0xD800)) {
      throw std::invalid_argument("a code point range must be first <= last within 0x80 (0 for invisibles) to 0x10FFFF, without surrogates");
    }
    for (uint32_t cp = r.first;; ++cp) {
      uint16_t& index = pageOf_[cp >> 8];
      if (index == 0) {
        index = static_cast<uint16_t>(pages_.size());
        pages_.push_back(Page{});
      }
      uint64_t* words = digit ? pages_[index].digit : pages_[index].invisible;
      words[(cp >> 6) & 3] |= uint64_t{1} << (cp & 63);
      if (cp == r.last) break;
    }
  }
}

void EvasionHintFinder::scan(const uint8_t* data, size_t len, EvasionHintState& state, bool final,
                             std::vector<Match>& out) const {
  static const ScanFn fn = pickScan();
  Scanner scanner(*this, state, final, out);
  fn(scanner, data, len, leads_.anyAscii);
}

void EvasionHintFinder::find(const uint8_t* data, size_t len, std::vector<Match>& out) const {
  EvasionHintState state;
  scan(data, len, state, true, out);
}

// Layout, little-endian: "CVEH", u32 version (1), u32 id, u32 digit range count, {u32 first,
// u32 last} per range, u32 invisible range count, {u32 first, u32 last} per range.
namespace {
constexpr char kMagic[4] = {'C', 'V', 'E', 'H'};
constexpr uint32_t kVersion = 1;

void putRanges(std::string& s, const std::vector<CodePointRange>& ranges) {
  putU32(s, static_cast<uint32_t>(ranges.size()));
  for (const CodePointRange& r : ranges) {
    putU32(s, r.first);
    putU32(s, r.last);
  }
}

bool getRanges(const uint8_t*& p, const uint8_t* end, std::vector<CodePointRange>& ranges) {
  uint32_t count;
  // Each range takes 8 bytes: reject counts the input cannot hold before allocating.
  if (!getU32(p, end, count) || count > static_cast<size_t>(end - p) / 8) return false;
  ranges.resize(count);
  for (CodePointRange& r : ranges) {
    if (!getU32(p, end, r.first) || !getU32(p, end, r.last)) return false;
  }
  return true;
}
}  // namespace

std::string EvasionHintFinder::serialize() const {
  std::string s(kMagic, sizeof kMagic);
  putU32(s, kVersion);
  putU32(s, id_);
  putRanges(s, digits_);
  putRanges(s, invisibles_);
  return s;
}

std::unique_ptr<EvasionHintFinder> EvasionHintFinder::deserialize(const uint8_t* p, size_t n) {
  if (p == nullptr || n < sizeof kMagic || std::memcmp(p, kMagic, sizeof kMagic) != 0) return nullptr;
  const uint8_t* end = p + n;
  p += sizeof kMagic;
  uint32_t version, id;
  if (!getU32(p, end, version) || version != kVersion || !getU32(p, end, id)) return nullptr;
  std::vector<CodePointRange> digits, invisibles;
  if (!getRanges(p, end, digits) || !getRanges(p, end, invisibles) || p != end) return nullptr;
  try {
    return std::make_unique<EvasionHintFinder>(id, std::move(digits), std::move(invisibles));
  } catch (const std::invalid_argument&) {
    return nullptr;
  }
}

// ---- Streams -------------------------------------------------------------------------------------

void EvasionHintStream::write(const uint8_t* data, size_t len, std::vector<Match>& out) {
  finder_->scan(data, len, state_, false, out);
}

void EvasionHintStream::close() { state_ = EvasionHintState{}; }

}  // namespace cardveil
