// The card-window pass (see card_windows.h; the specification is lib/engine/card-windows.ts).
//
// Two layers:
// 1. A SIMD skipper classifies 64 bytes at a time into digits and "breakers" (bytes that can be
//    neither a digit nor part of a separator: ASCII other than digits and the ASCII separators).
//    A run cannot cross a breaker, so a stretch between breakers holding fewer than 12 digits
//    cannot hold a window and is skipped without looking at its bytes one by one. In real logs
//    most digit stretches are short (times, counters, addresses), so most bytes never leave SIMD.
// 2. A byte-at-a-time state machine (idle / in a group / in a gap) walks the remaining stretches
//    exactly as the reference does, keeping only the run's last 32 digits and groups: a window
//    spans at most 19 digits, hence at most 19 groups. It is resumable at any byte, which is what
//    streaming needs (a separator's UTF-8 bytes may be split across writes), and block mode is a
//    single write followed by close.
// Windows are emitted when the group ending them ends (next byte a non-digit) or at end of data.
#include "card_windows.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define CARDVEIL_X86 1
#endif

namespace cardveil {
namespace {

constexpr unsigned kMinPanDigits = 12;
constexpr unsigned kMaxPanDigits = 19;
constexpr unsigned kMaxGap = 3;
constexpr unsigned kRing = 32;  // ring sizes for digits and groups; >= kMaxPanDigits + 1

using Mode = CardWindowScanState::Mode;

inline unsigned ctz(uint64_t x) { return static_cast<unsigned>(__builtin_ctzll(x)); }
inline unsigned popcount(uint64_t x) { return static_cast<unsigned>(__builtin_popcountll(x)); }

inline bool isDigit(uint8_t c) { return static_cast<uint8_t>(c - '0') < 10; }

inline bool isAsciiSeparator(uint8_t c) {
  switch (c) {
    case ' ': case '\t': case '-': case '.': case '/': case '_': case '\n': case '\r':
      return true;
    default:
      return false;
  }
}

// The reference decodes UTF-8 and tests the code point against its separator set, rejecting
// overlong forms. Every separator outside ASCII therefore matches exactly one canonical byte
// sequence, so matching those sequences byte by byte is the same test:
//   C2 A0, C2 AD                      U+00A0, U+00AD
//   E1 A0 8E                          U+180E
//   E2 80 80..8D, E2 80 90..95        U+2000..U+200D, U+2010..U+2015
//   E2 80 AF, E2 81 9F, E2 81 A0      U+202F, U+205F, U+2060
//   E2 88 92, E3 80 80, EF BB BF      U+2212, U+3000, U+FEFF
inline bool isSeparatorLead(uint8_t c) {
  return c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF;
}

enum class SeparatorStep { kMismatch, kPartial, kComplete };

// Next byte c of a separator whose first pendingLen bytes (1 or 2) are pending.
inline SeparatorStep separatorContinue(const uint8_t* pending, uint8_t pendingLen, uint8_t c) {
  const uint8_t lead = pending[0];
  if (pendingLen == 1) {
    switch (lead) {
      case 0xC2:
        return (c == 0xA0 || c == 0xAD) ? SeparatorStep::kComplete : SeparatorStep::kMismatch;
      case 0xE1:
        return c == 0xA0 ? SeparatorStep::kPartial : SeparatorStep::kMismatch;
      case 0xE2:
        return (c == 0x80 || c == 0x81 || c == 0x88) ? SeparatorStep::kPartial
                                                     : SeparatorStep::kMismatch;
      case 0xE3:
        return c == 0x80 ? SeparatorStep::kPartial : SeparatorStep::kMismatch;
      case 0xEF:
        return c == 0xBB ? SeparatorStep::kPartial : SeparatorStep::kMismatch;
      default:
        return SeparatorStep::kMismatch;
    }
  }
  const uint8_t mid = pending[1];
  bool ok = false;
  if (lead == 0xE1) {
    ok = mid == 0xA0 && c == 0x8E;
  } else if (lead == 0xE2) {
    if (mid == 0x80) ok = (c >= 0x80 && c <= 0x8D) || (c >= 0x90 && c <= 0x95) || c == 0xAF;
    else if (mid == 0x81) ok = c == 0x9F || c == 0xA0;
    else if (mid == 0x88) ok = c == 0x92;
  } else if (lead == 0xE3) {
    ok = mid == 0x80 && c == 0x80;
  } else if (lead == 0xEF) {
    ok = mid == 0xBB && c == 0xBF;
  }
  return ok ? SeparatorStep::kComplete : SeparatorStep::kMismatch;
}

// Luhn: the value a digit contributes at a doubled position.
constexpr uint8_t kDoubled[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};

// ---- Byte classification, 64 bytes at a time ---------------------------------------------------
//
// digit: bit i set when byte i is '0'..'9'. breaker: bit i set when byte i is none of digit,
// ASCII separator, or byte >= 0x80 (which may belong to a Unicode separator). Breakers end runs.
// high: bit i set when byte i is >= 0x80.

struct Masks {
  uint64_t digit;
  uint64_t breaker;
  uint64_t high;
};

// Nibble tables for the PSHUFB classifier: class = kHigh[b >> 4] & kLow[b & 15].
// Class bits: 0x80 digit, 0x02 one of " -./", 0x04 one of "\t\n\r", 0x08 '_', 0x10 byte >= 0x80.
// A zero class is a breaker; the digit bit is the sign bit so movemask reads it directly.
alignas(16) constexpr uint8_t kLowNibbles[16] = {0x92, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
                                                  0x90, 0x94, 0x14, 0x10, 0x10, 0x16, 0x12, 0x1A};
alignas(16) constexpr uint8_t kHighNibbles[16] = {0x04, 0x00, 0x02, 0x80, 0x00, 0x08, 0x00, 0x00,
                                                   0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10};

// Bit gather/scatter (what BMI2's PEXT/PDEP do), for targets without BMI2.
struct PortableBits {
  static uint64_t pext(uint64_t x, uint64_t mask) {
    uint64_t r = 0;
    for (uint64_t bit = 1; mask != 0; mask &= mask - 1, bit <<= 1) {
      if (x & mask & (~mask + 1)) r |= bit;
    }
    return r;
  }
  static uint64_t pdep(uint64_t x, uint64_t mask) {
    uint64_t r = 0;
    for (uint64_t bit = 1; mask != 0; mask &= mask - 1, bit <<= 1) {
      if (x & bit) r |= mask & (~mask + 1);
    }
    return r;
  }
};

// Portable classifier: a 256-entry table. Used where no SIMD path exists.
struct ScalarClassifier : PortableBits {
  static Masks classify(const uint8_t* p) {
    static const auto table = [] {
      struct T { uint8_t cls[256]; } t{};
      for (int b = 0; b < 256; ++b) t.cls[b] = kLowNibbles[b & 15] & kHighNibbles[b >> 4];
      return t;
    }();
    Masks m{0, 0, 0};
    for (unsigned i = 0; i < 64; ++i) {
      const uint8_t cls = table.cls[p[i]];
      m.digit |= static_cast<uint64_t>(cls >> 7) << i;
      m.breaker |= static_cast<uint64_t>(cls == 0) << i;
      m.high |= static_cast<uint64_t>(p[i] >> 7) << i;
    }
    return m;
  }
};

#ifdef CARDVEIL_X86
// SSE2 (every x86-64): compares, no PSHUFB.
struct Sse2Classifier : PortableBits {
  static inline uint32_t digits16(__m128i x) {
    const __m128i ge0 = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8('0')), x);
    const __m128i le9 = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8('9')), x);
    return static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(ge0, le9)));
  }
  static inline uint32_t separators16(__m128i x) {  // ASCII separator or digit
    __m128i s = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
    s = _mm_or_si128(s, _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
    s = _mm_or_si128(s, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
    s = _mm_or_si128(s, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
    s = _mm_or_si128(s, _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
    // '-', '.', '/', '0'..'9' are the contiguous range 0x2D..0x39.
    const __m128i ge = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x2D)), x);
    const __m128i le = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x39)), x);
    s = _mm_or_si128(s, _mm_and_si128(ge, le));
    return static_cast<uint32_t>(_mm_movemask_epi8(s));
  }
  static inline Masks classify(const uint8_t* p) {
    uint64_t d = 0, k = 0, h = 0;
    for (unsigned i = 0; i < 4; ++i) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      d |= static_cast<uint64_t>(digits16(x)) << (16 * i);
      k |= static_cast<uint64_t>(separators16(x)) << (16 * i);
      h |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(x))) << (16 * i);
    }
    return Masks{d, ~(k | h), h};
  }
};

struct Avx2Classifier {
  __attribute__((target("bmi2"))) static inline uint64_t pext(uint64_t x, uint64_t m) { return _pext_u64(x, m); }
  __attribute__((target("bmi2"))) static inline uint64_t pdep(uint64_t x, uint64_t m) { return _pdep_u64(x, m); }
  __attribute__((target("avx2"))) static inline Masks classify(const uint8_t* p) {
    const __m256i low = _mm256_broadcastsi128_si256(
        _mm_load_si128(reinterpret_cast<const __m128i*>(kLowNibbles)));
    const __m256i high = _mm256_broadcastsi128_si256(
        _mm_load_si128(reinterpret_cast<const __m128i*>(kHighNibbles)));
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    const __m256i c0 = _mm256_and_si256(
        _mm256_shuffle_epi8(low, _mm256_and_si256(x0, nibble)),
        _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x0, 4), nibble)));
    const __m256i c1 = _mm256_and_si256(
        _mm256_shuffle_epi8(low, _mm256_and_si256(x1, nibble)),
        _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x1, 4), nibble)));
    const uint64_t d = static_cast<uint32_t>(_mm256_movemask_epi8(c0)) |
                       static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(c1))) << 32;
    const uint64_t b =
        static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(c0, zero))) |
        static_cast<uint64_t>(
            static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(c1, zero))))
            << 32;
    const uint64_t h = static_cast<uint32_t>(_mm256_movemask_epi8(x0)) |
                       static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(x1))) << 32;
    return Masks{d, b, h};
  }
};
#endif

}  // namespace

// ---- The scanner: SIMD skipping plus the exact state machine ------------------------------------

// Walks one chunk for one finder and one state; appends windows to out. Short-lived, on the stack.
class CardWindowScanner {
 public:
  CardWindowScanner(const CardWindowFinder& f, CardWindowScanState& s, std::vector<Match>& out)
      : f_(f), s_(s), out_(out) {}

  // Scans data[0..n) (absolute offsets from s_.base). final: no more data follows.
  template <class C>
  inline void scan(const uint8_t* d, size_t n, bool final);

  // End of data: a group still open ends here (no suffix window: nothing follows it).
  void finish() {
    if (s_.mode == Mode::kGroup) endGroup(s_.base, -1);
    endRun();
  }

 private:
  template <class C>
  static inline Masks masksAt(const uint8_t* d, size_t p, size_t n) {
    if (n - p >= 64) return C::classify(d + p);
    // Tail: the padding is neither digit nor breaker, so a stretch reaching the end stays open.
    alignas(64) uint8_t buf[64] = {};
    std::memcpy(buf, d + p, n - p);
    Masks m = C::classify(buf);
    m.breaker &= (uint64_t{1} << (n - p)) - 1;
    return m;
  }

  template <class C>
  inline void innerStretches(const uint8_t* d, size_t p, const Masks& m, uint64_t inner);
  template <class C>
  inline void openStretch(const uint8_t* d, size_t from, size_t stop, size_t n);
  template <class C>
  inline void walkAscii(const uint8_t* d, size_t p, uint64_t digits, uint64_t span);

  // The state machine over d[i..to). untilIdle: return as soon as no run is open (the SIMD
  // skipper takes over from there). Returns the first byte not consumed.
  size_t walk(const uint8_t* d, size_t i, size_t to, bool untilIdle);

  void startGroup(size_t i) {
    s_.groupStart = s_.base + i;
    s_.groupDigitFrom = s_.runDigits;
    s_.mode = Mode::kGroup;
  }
  void endRun() {
    s_.mode = Mode::kIdle;
    s_.pendingLen = 0;
    s_.runDigits = 0;
    s_.runGroups = 0;
  }
  // The current group ends at absolute offset end; next is the byte there, or -1 at end of data.
  void endGroup(uint64_t end, int next);

  const CardWindowFinder& f_;
  CardWindowScanState& s_;
  std::vector<Match>& out_;
};

size_t CardWindowScanner::walk(const uint8_t* d, size_t i, size_t to, bool untilIdle) {
  while (i < to) {
    switch (s_.mode) {
      case Mode::kIdle:
        if (untilIdle) return i;
        if (isDigit(d[i])) {
          s_.runDigits = 0;
          s_.runGroups = 0;
          startGroup(i);
        } else {
          ++i;
        }
        break;
      case Mode::kGroup: {
        uint64_t count = s_.runDigits;
        while (i < to && isDigit(d[i])) s_.digits[count++ % kRing] = static_cast<uint8_t>(d[i++] - '0');
        s_.runDigits = count;
        if (i == to) return i;
        endGroup(s_.base + i, d[i]);
        s_.mode = Mode::kGap;
        s_.gapUnits = 0;
        s_.pendingLen = 0;
        break;  // d[i] is looked at again as the gap's first byte
      }
      case Mode::kGap: {
        const uint8_t c = d[i];
        if (s_.pendingLen == 0) {
          if (isDigit(c)) {
            startGroup(i);  // gapUnits > 0 here: the group consumed every digit before
          } else if (s_.gapUnits == kMaxGap) {
            endRun();  // a 4th unit or anything else after 3 units ends the run
            ++i;
          } else if (isAsciiSeparator(c)) {
            ++s_.gapUnits;
            ++i;
          } else if (isSeparatorLead(c)) {
            s_.pending[0] = c;
            s_.pendingLen = 1;
            ++i;
          } else {
            endRun();
            ++i;
          }
        } else {
          switch (separatorContinue(s_.pending, s_.pendingLen, c)) {
            case SeparatorStep::kComplete:
              ++s_.gapUnits;
              s_.pendingLen = 0;
              ++i;
              break;
            case SeparatorStep::kPartial:
              s_.pending[1] = c;
              s_.pendingLen = 2;
              ++i;
              break;
            case SeparatorStep::kMismatch:
              endRun();  // c is looked at again while idle: it may start the next run
              break;
          }
        }
        break;
      }
    }
  }
  return i;
}

void CardWindowScanner::endGroup(uint64_t end, int next) {
  const uint64_t digitEnd = s_.runDigits;
  const uint64_t index = s_.runGroups++;
  s_.groups[index % kRing] = {s_.groupStart, s_.groupDigitFrom};
  if (digitEnd < kMinPanDigits) return;  // the whole run so far is too short for a window
  const uint32_t id = f_.id_;
  // The n digits ending the run pass? The table lookup first, then the digits in order.
  auto passes = [&](unsigned n) {
    const uint64_t from = digitEnd - n;
    const unsigned two = s_.digits[from % kRing] * 10u + s_.digits[(from + 1) % kRing];
    if (!((f_.prefix2_[two] >> n) & 1)) return false;
    uint8_t w[kMaxPanDigits];
    for (unsigned k = 0; k < n; ++k) w[k] = s_.digits[(from + k) % kRing];
    return f_.windowPasses(w, n);
  };
  const uint64_t groupDigits = digitEnd - s_.groupDigitFrom;
  // Windows of whole groups ending with this one: walk back while they hold <= 19 digits, then
  // emit oldest first so output stays sorted by end, then start.
  if (groupDigits <= kMaxPanDigits) {
    uint64_t first = index;
    while (first > 0 && digitEnd - s_.groups[(first - 1) % kRing].digitFrom <= kMaxPanDigits) --first;
    for (uint64_t a = first; a <= index; ++a) {
      const auto& g = s_.groups[a % kRing];
      const unsigned n = static_cast<unsigned>(digitEnd - g.digitFrom);
      if (n < kMinPanDigits) break;  // later groups only hold fewer digits
      if (passes(n)) out_.push_back(Match{id, g.start, end});
    }
  }
  // Suffix windows (shorter than the group) of a group followed by a track 2 field separator;
  // they start after the whole-group windows, so ascending start means descending length.
  if (groupDigits <= kMinPanDigits || (next != '=' && next != 'D')) return;
  const unsigned longest = groupDigits - 1 < kMaxPanDigits ? static_cast<unsigned>(groupDigits - 1) : kMaxPanDigits;
  for (unsigned n = longest; n >= kMinPanDigits; --n) {
    if (passes(n)) out_.push_back(Match{id, end - n, end});
  }
}

// Block-level walk over 64-byte masks. A stretch (maximal non-breaker bytes) either lies inside
// one block, between its first and last breaker, or is "open" across block starts; the open one
// carries its first digit and digit count from block to block. Only stretches with >= 12 digits
// reach the state machine; inside a block, those must also be >= 12 bytes long, which a few
// shifts of the non-breaker mask reveal without visiting each stretch.
template <class C>
inline void CardWindowScanner::scan(const uint8_t* d, size_t n, bool final) {
  size_t p = 0;
  if (s_.mode != Mode::kIdle) p = walk(d, 0, n, true);  // finish the run left by the last write
  size_t openFirst = 0;  // the open stretch's first digit, when openCount > 0
  unsigned openCount = 0;
  for (; p < n; p += 64) {
    const Masks m = masksAt<C>(d, p, n);
    if (m.breaker == 0) {
      if (m.digit != 0) {
        if (openCount == 0) openFirst = p + ctz(m.digit);
        openCount += popcount(m.digit);
      }
      continue;
    }
    const unsigned first = ctz(m.breaker);
    const unsigned last = 63 - static_cast<unsigned>(__builtin_clzll(m.breaker));
    // 1. The open stretch ends at the first breaker.
    const uint64_t head = m.digit & ((uint64_t{1} << first) - 1);
    if (head != 0) {
      if (openCount == 0) openFirst = p + ctz(head);
      openCount += popcount(head);
    }
    if (openCount >= kMinPanDigits) openStretch<C>(d, openFirst, p + first, n);
    // 2. Stretches between the first and the last breaker.
    const uint64_t inner = ~((uint64_t{2} << first) - 1) & ((uint64_t{1} << last) - 1);
    if (popcount(m.digit & inner) >= kMinPanDigits) innerStretches<C>(d, p, m, inner);
    // 3. The stretch after the last breaker stays open.
    const uint64_t tail = m.digit & ~((uint64_t{2} << last) - 1);
    openCount = popcount(tail);
    if (tail != 0) openFirst = p + ctz(tail);
  }
  // The stretch still open at the end of the chunk. At the end of data a short one is done with;
  // otherwise the state machine carries it into the next write.
  if (openCount > 0 && (!final || openCount >= kMinPanDigits)) walk(d, openFirst, n, false);
}

// A stretch that began in an earlier block of this chunk: d[from] is its first digit, d[stop] the
// breaker ending it. Short and ASCII-only (the usual case), it is re-read as one 64-byte block.
template <class C>
inline void CardWindowScanner::openStretch(const uint8_t* d, size_t from, size_t stop, size_t n) {
  if (stop - from < 64) {
    const Masks m = masksAt<C>(d, from, n);
    const uint64_t span = (uint64_t{1} << (stop - from)) - 1;
    if ((m.high & span) == 0) {
      walkAscii<C>(d, from, m.digit & span, span);
      return;
    }
  }
  walk(d, from, stop + 1, false);
}

template <class C>
inline void CardWindowScanner::innerStretches(const uint8_t* d, size_t p, const Masks& m, uint64_t inner) {
  // Bit i of long12 set: bytes i..i+11 are all non-breakers.
  const uint64_t keep = ~m.breaker;
  const uint64_t x2 = keep & (keep >> 1);
  const uint64_t x4 = x2 & (x2 >> 2);
  const uint64_t x12 = x4 & (x4 >> 4) & (x4 >> 8);
  uint64_t candidates = x12 & inner;
  while (candidates != 0) {
    const unsigned k = ctz(candidates);
    const unsigned start = 64 - static_cast<unsigned>(__builtin_clzll(m.breaker & ((uint64_t{1} << k) - 1)));
    const unsigned end = ctz(m.breaker & (~uint64_t{0} << k));
    const uint64_t span = (~uint64_t{0} << start) & ((uint64_t{1} << end) - 1);
    const uint64_t digits = m.digit & span;
    if (popcount(digits) >= kMinPanDigits) {
      if ((m.high & span) == 0) {
        walkAscii<C>(d, p, digits, span);
      } else {
        walk(d, p + ctz(digits), p + end + 1, false);
      }
    }
    candidates &= ~uint64_t{0} << end;
  }
}

// The state machine's result on a stretch of digits and ASCII separators only, within 64 bytes
// from d[p] (span: its bytes), followed by a breaker. No byte-by-byte walk: groups are the runs
// of set bits in digits, and a gap joins two groups exactly when it is at most 3 bytes (= 3 units)
// long. A window starts at a group start; with digit j of the stretch at bit j of a "compressed"
// mask (PEXT), the window lengths that end on a group end are one shift away, and intersecting
// them with the lengths the first two digits may issue leaves (almost always) nothing to check.
template <class C>
inline void CardWindowScanner::walkAscii(const uint8_t* d, size_t p, uint64_t digits, uint64_t span) {
  const uint64_t gaps = span & ~digits;
  const uint64_t gap4 = gaps & (gaps >> 1) & (gaps >> 2) & (gaps >> 3);
  const uint64_t longGaps = gap4 | (gap4 << 1) | (gap4 << 2) | (gap4 << 3);  // runs stop here
  const uint64_t groupEnds = digits & ~(digits >> 1);                         // last digit of each group
  const uint64_t endsAt = C::pext(groupEnds, digits);  // bit j: the stretch's digit j ends a group
  const uint32_t id = f_.id_;
  const uint64_t base = s_.base + p;
  const size_t before = out_.size();
  // A window needs 12 digits from its start: drop the starts past the 12th digit from the end.
  const unsigned total = popcount(digits);
  if (total < kMinPanDigits) return;
  const unsigned lastStart = ctz(C::pdep(uint64_t{1} << (total - kMinPanDigits), digits));
  uint64_t starts = digits & ~(digits << 1) & ((uint64_t{2} << lastStart) - 1);
  while (starts != 0) {
    const unsigned a = ctz(starts);
    starts &= starts - 1;
    const uint64_t breaks = longGaps & (~uint64_t{0} << a);
    const uint64_t run = breaks != 0 ? (uint64_t{1} << ctz(breaks)) - 1 : ~uint64_t{0};
    const unsigned index = popcount(digits & ((uint64_t{1} << a) - 1));  // digits before a
    const unsigned available = popcount(digits & run) - index;         // digits from a in its run
    if (available < kMinPanDigits) {
      starts &= ~run;  // later starts in this run have even fewer
      continue;
    }
    const uint64_t second = digits & (~uint64_t{1} << a);
    const uint32_t issued = f_.prefix2_[(d[p + a] - '0') * 10u + (d[p + ctz(second)] - '0')];
    const unsigned maxLength = available < kMaxPanDigits ? available : kMaxPanDigits;
    uint64_t lengths = ((endsAt >> index) << 1) & issued & ((uint64_t{2} << maxLength) - 1);
    for (; lengths != 0; lengths &= lengths - 1) {
      const unsigned n = ctz(lengths);
      const unsigned b = ctz(C::pdep(uint64_t{1} << (index + n - 1), digits)) + 1;  // window d[p+a..p+b)
      // The window's digits, last first: Luhn as they come, kept in order for the range test.
      uint8_t w[kMaxPanDigits];
      uint64_t bits = digits & ((uint64_t{2} << (b - 1)) - 1);
      unsigned sum = 0;
      for (unsigned k = 0; k < n; ++k) {
        const unsigned at = 63 - static_cast<unsigned>(__builtin_clzll(bits));
        bits &= ~(uint64_t{1} << at);
        const uint8_t v = static_cast<uint8_t>(d[p + at] - '0');
        w[n - 1 - k] = v;
        sum += (k & 1) ? kDoubled[v] : v;
      }
      if (sum % 10 == 0 && f_.issued(w, n)) out_.push_back(Match{id, base + a, base + b});
    }
  }
  // Suffix windows (shorter than the group): only the last group can be followed by '=' or 'D'.
  const unsigned lastEnd = 64 - static_cast<unsigned>(__builtin_clzll(digits));
  if (d[p + lastEnd] == '=' || d[p + lastEnd] == 'D') {
    const unsigned lastGroup = 63 - static_cast<unsigned>(__builtin_clzll(digits & ~(digits << 1)));
    const unsigned groupDigits = lastEnd - lastGroup;
    if (groupDigits > kMinPanDigits) {
      uint8_t w[kMaxPanDigits];
      for (unsigned n = groupDigits - 1 < kMaxPanDigits ? groupDigits - 1 : kMaxPanDigits; n >= kMinPanDigits; --n) {
        for (unsigned k = 0; k < n; ++k) w[k] = static_cast<uint8_t>(d[p + lastEnd - n + k] - '0');
        if (f_.windowPasses(w, n)) out_.push_back(Match{id, base + lastEnd - n, base + lastEnd});
      }
    }
  }
  // Found start-major; the contract (and streaming) orders by end, then start.
  if (out_.size() - before > 1) {
    std::sort(out_.begin() + static_cast<std::ptrdiff_t>(before), out_.end(), [](const Match& x, const Match& y) {
      return x.end != y.end ? x.end < y.end : x.start < y.start;
    });
  }
}

// Runtime dispatch: the SIMD variants are compiled with target attributes so the addon needs no
// special flags; flatten inlines the scanner and classifier into one function per target.
namespace {
using ScanFn = void (*)(CardWindowScanner&, const uint8_t*, size_t, bool);

#ifdef CARDVEIL_X86
__attribute__((target("avx2,bmi2"), flatten)) void scanAvx2(CardWindowScanner& s, const uint8_t* d,
                                                       size_t n, bool final) {
  s.scan<Avx2Classifier>(d, n, final);
}
__attribute__((flatten)) void scanSse2(CardWindowScanner& s, const uint8_t* d, size_t n,
                                       bool final) {
  s.scan<Sse2Classifier>(d, n, final);
}
#endif
#if !defined(CARDVEIL_X86) || defined(CARDVEIL_CARD_WINDOWS_FORCE_SCALAR)
void scanScalar(CardWindowScanner& s, const uint8_t* d, size_t n, bool final) {
  s.scan<ScalarClassifier>(d, n, final);
}
#endif

// The tests build with CARDVEIL_CARD_WINDOWS_FORCE_{SSE2,SCALAR} to check every variant here.
ScanFn pickScan() {
#if !defined(CARDVEIL_X86) || defined(CARDVEIL_CARD_WINDOWS_FORCE_SCALAR)
  return scanScalar;
#elif defined(CARDVEIL_CARD_WINDOWS_FORCE_SSE2)
  return scanSse2;
#else
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2")) return scanAvx2;
  return scanSse2;
#endif
}

void scanChunk(CardWindowScanner& s, const uint8_t* d, size_t n, bool final) {
  static const ScanFn fn = pickScan();
  fn(s, d, n, final);
}
}  // namespace

// ---- Finder: configuration and lookup tables ----------------------------------------------------

CardWindowFinder::CardWindowFinder(uint32_t id, std::vector<IssuerRangeC> ranges)
    : id_(id), ranges_(std::move(ranges)), prefix2_{} {
  // For each length n and first two digits, keep the ranges that could match: some digit string
  // of the range's width starting with those two digits lies in [from, to]. That holds only if
  // lo <= to and hi >= from, lo and hi being those two digits padded with 0s and 9s (for widths
  // 0 and 1 lo and hi are the exact prefix). The exact reference test runs on the survivors.
  for (uint32_t r = 0; r < ranges_.size(); ++r) {
    const IssuerRangeC& range = ranges_[r];
    const size_t width = range.from.size();
    for (unsigned n = kMinPanDigits; n <= kMaxPanDigits; ++n) {
      if (!((range.lengthMask >> n) & 1) || width > n) continue;
      for (unsigned two = 0; two < 100; ++two) {
        std::string lo, hi;
        if (width >= 1) {
          lo.push_back(static_cast<char>('0' + two / 10));
          if (width >= 2) lo.push_back(static_cast<char>('0' + two % 10));
          hi = lo;
          lo.append(width - lo.size(), '0');
          hi.append(width - hi.size(), '9');
        }
        if (lo.compare(range.to) <= 0 && hi.compare(range.from) >= 0) {
          prefix2_[two] |= uint32_t{1} << n;
          candidates_[n - kMinPanDigits][two].push_back(r);
        }
      }
    }
  }
}

bool CardWindowFinder::windowPasses(const uint8_t* w, unsigned n) const {
  if (!((prefix2_[w[0] * 10u + w[1]] >> n) & 1)) return false;
  unsigned sum = 0;
  for (unsigned r = 0; r < n; ++r) sum += (r & 1) ? kDoubled[w[n - 1 - r]] : w[n - 1 - r];
  return sum % 10 == 0 && issued(w, n);
}

bool CardWindowFinder::issued(const uint8_t* w, unsigned n) const {
  const unsigned two = w[0] * 10u + w[1];
  if (!((prefix2_[two] >> n) & 1)) return false;
  char text[kMaxPanDigits];
  for (unsigned k = 0; k < n; ++k) text[k] = static_cast<char>('0' + w[k]);
  // The reference: the first from.length digits, compared as strings with from and to.
  for (const uint32_t r : candidates_[n - kMinPanDigits][two]) {
    const IssuerRangeC& range = ranges_[r];
    const std::string_view prefix(text, range.from.size());
    if (prefix.compare(range.from) >= 0 && prefix.compare(range.to) <= 0) return true;
  }
  return false;
}

void CardWindowFinder::find(const uint8_t* data, size_t len, std::vector<Match>& out) const {
  CardWindowScanState state;
  CardWindowScanner scanner(*this, state, out);
  scanChunk(scanner, data, len, true);
  state.base = len;
  scanner.finish();
}

// Layout, little-endian: "CVCW", u32 version (1), u32 id, u32 range count, then per range
// u32 lengthMask, u32 from length, from bytes, u32 to length, to bytes.
namespace {
constexpr char kMagic[4] = {'C', 'V', 'C', 'W'};
constexpr uint32_t kVersion = 1;

void putU32(std::string& s, uint32_t v) {
  for (int k = 0; k < 4; ++k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

bool getU32(const uint8_t*& p, const uint8_t* end, uint32_t& v) {
  if (end - p < 4) return false;
  v = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  p += 4;
  return true;
}

bool getString(const uint8_t*& p, const uint8_t* end, std::string& s) {
  uint32_t n;
  if (!getU32(p, end, n) || static_cast<size_t>(end - p) < n) return false;
  s.assign(reinterpret_cast<const char*>(p), n);
  p += n;
  return true;
}
}  // namespace

std::string CardWindowFinder::serialize() const {
  std::string s(kMagic, sizeof kMagic);
  putU32(s, kVersion);
  putU32(s, id_);
  putU32(s, static_cast<uint32_t>(ranges_.size()));
  for (const IssuerRangeC& r : ranges_) {
    putU32(s, r.lengthMask);
    putU32(s, static_cast<uint32_t>(r.from.size()));
    s += r.from;
    putU32(s, static_cast<uint32_t>(r.to.size()));
    s += r.to;
  }
  return s;
}

std::unique_ptr<CardWindowFinder> CardWindowFinder::deserialize(const uint8_t* p, size_t n) {
  if (p == nullptr || n < sizeof kMagic || std::memcmp(p, kMagic, sizeof kMagic) != 0) return nullptr;
  const uint8_t* end = p + n;
  p += sizeof kMagic;
  uint32_t version, id, count;
  if (!getU32(p, end, version) || version != kVersion) return nullptr;
  if (!getU32(p, end, id) || !getU32(p, end, count)) return nullptr;
  // Each range takes at least 12 bytes: reject counts the input cannot hold before allocating.
  if (count > static_cast<size_t>(end - p) / 12) return nullptr;
  std::vector<IssuerRangeC> ranges(count);
  for (IssuerRangeC& r : ranges) {
    if (!getU32(p, end, r.lengthMask) || !getString(p, end, r.from) || !getString(p, end, r.to)) {
      return nullptr;
    }
  }
  if (p != end) return nullptr;
  return std::make_unique<CardWindowFinder>(id, std::move(ranges));
}

// ---- Streams ------------------------------------------------------------------------------------

void CardWindowStream::write(const uint8_t* data, size_t len, std::vector<Match>& out) {
  CardWindowScanner scanner(*finder_, state_, out);
  scanChunk(scanner, data, len, false);
  state_.base += len;
}

void CardWindowStream::close(std::vector<Match>& out) {
  CardWindowScanner scanner(*finder_, state_, out);
  scanner.finish();
  state_ = CardWindowScanState{};
}

}  // namespace cardveil
