// The card-window pass (see card_windows.h; the specification is lib/engine/card-windows.ts).
//
// Every window begins at a group start, so the pass is organised by start:
// 1. A block filter classifies 64 bytes at a time (SIMD) into digits, ASCII separators and bytes
//    >= 0x80, and turns them into bit masks over the block's digits (PEXT): which digit begins a
//    group, ends a group, or begins a new run. Joined with the next block's masks, a few shifts
//    answer "does the run go on for 11 more digits" for every start at once. In logs two blocks
//    in three have no start left, so most bytes are seen only by SIMD and a few dozen mask
//    operations.
// 2. The starts left are checked one by one: their first two digits and the group ends give the
//    lengths a window may have, and each of those is checked (Luhn, issuer range). Starts near
//    bytes >= 0x80 (multi-byte separators), before a track 2 separator, or whose run may reach
//    past the next block are walked exactly as the reference defines windows (windowsFrom).
// 3. A byte-at-a-time state machine (idle / in a group / in a gap), resumable at any byte,
//    carries the run open at the end of a write into the next one (a separator's UTF-8 bytes
//    may be split across writes); it keeps only the run's last 32 digits and groups, as a
//    window spans at most 19 digits. Block mode is one final write followed by close.
// Windows are reported when the group ending them ends (next byte a non-digit) or at end of data.
#include "card_windows.h"
#include "le_bytes.h"

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

// Bit gather/scatter (what BMI2's PEXT/PDEP do), for targets without BMI2. pext loops over the
// bits it keeps (group starts and ends: a few per block), not over every digit.
struct PortableBits {
  static uint64_t pext(uint64_t x, uint64_t mask) {
    uint64_t r = 0;
    for (uint64_t kept = x & mask; kept != 0; kept &= kept - 1) {
      r |= uint64_t{1} << popcount(mask & ((kept & (~kept + 1)) - 1));
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

// ---- The scanner --------------------------------------------------------------------------------

namespace {

// Shifts by a digit count, which may reach 64 (a C++ shift by 64 is undefined).
inline uint64_t shiftLeft(uint64_t x, unsigned s) { return s < 64 ? x << s : 0; }
inline uint64_t shiftRight(uint64_t x, unsigned s) { return s < 64 ? x >> s : 0; }

// One 64-byte block as the filter sees it. Byte masks: bit i is the block's byte i. Digit masks
// ("compressed" by PEXT): bit j is the block's j-th digit, so that counting digits is shifting.
struct Block {
  uint64_t digit = 0;   // byte mask: '0'..'9'
  uint64_t high = 0;    // byte mask: >= 0x80 (perhaps part of a Unicode separator)
  uint64_t starts = 0;  // digit mask: the digit begins a group (and lies before the scan limit)
  uint64_t ends = 0;    // digit mask: the digit ends a group (the last byte: as if nothing followed)
  uint64_t breaks = 0;  // digit mask: the digit begins a group not joined to the digit before it
  unsigned count = 0;   // digits in the block
  // For the next block: byte masks "a non-digit" and "a non-digit after a non-digit" (~0 before
  // the first block: nothing before it joins), and whether the gap at the end is already too long
  // or holds a byte that is no separator.
  uint64_t other = ~uint64_t{0};
  uint64_t other2 = ~uint64_t{0};
  bool brokenGap = false;
};

// Digit masks of a block and the next one, joined: bit k is the k-th digit of the two.
struct Joined {
  uint64_t ends = 0;     // the digit ends a group
  uint64_t breaks = 0;   // the digit begins a new run (or, at `known` when closed, would)
  unsigned known = 0;    // digits known (the first 64 at most)
  bool closed = false;   // no run goes on past the known digits
};

}  // namespace

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
  // ---- Layer 1: the block filter and the exact walk from one group start.
  template <class C>
  inline void scanBlocks(const uint8_t* d, size_t from, size_t to, size_t n);
  template <class C, bool kInside>
  static inline Block block(const uint8_t* d, size_t p, size_t n, const Block& prev, size_t to);
  template <class C>
  inline void candidates(const uint8_t* d, size_t p, const Block& cur, const Block& next, size_t n);
  void check(const uint8_t* d, size_t a, unsigned k, const Joined& j, size_t n);
  void windowsFrom(const uint8_t* d, size_t a, size_t n);

  // ---- Layer 2: the resumable state machine, for the runs open at the ends of a chunk.
  // The state machine over d[i..to). untilIdle: return as soon as no run is open. Returns the
  // first byte not consumed.
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

  void emit(uint64_t start, uint64_t end) { out_.push_back(Match{f_.id_, s_.base + start, s_.base + end}); }

  const CardWindowFinder& f_;
  CardWindowScanState& s_;
  std::vector<Match>& out_;
};

// The chunk splits into three parts:
//   [0, from)    the rest of a run left open by the previous write: the state machine ends it;
//   [from, to)   every window starting here is found by the block filter (to: just past the last
//                ASCII breaker, which no run crosses, so these windows also end before `to`);
//   [to, n)      the stretch still open at the end of the chunk: the state machine carries it
//                into the next write. At the end of data (final) there is no such stretch.
// Each part's windows end before the next part's begin, so the output stays sorted by end.
template <class C>
inline void CardWindowScanner::scan(const uint8_t* d, size_t n, bool final) {
  size_t from = 0;
  if (s_.mode != Mode::kIdle) {
    from = walk(d, 0, n, true);
    if (s_.mode != Mode::kIdle) return;  // the run goes on past this chunk
  }
  size_t to = n;
  if (!final) {
    while (to > from && (d[to - 1] >= 0x80 || isDigit(d[to - 1]) || isAsciiSeparator(d[to - 1]))) --to;
  }
  if (to > from) scanBlocks<C>(d, from, to, n);
  if (to < n) walk(d, to, n, false);
}

// Every window begins at a group start. Block by block, the filter keeps the group starts of the
// block that a window could begin at, judged with this block and the next one: the next 11
// digits must continue the run (a window has 12 or more). In logs that leaves runs such as long
// timestamps; the first two digits and where the groups end then rule out almost all of those,
// and the rest are walked exactly. Blocks near bytes >= 0x80 (multi-byte separators) skip the
// filter: each of their group starts is walked exactly.
template <class C>
inline void CardWindowScanner::scanBlocks(const uint8_t* d, size_t from, size_t to, size_t n) {
  const size_t before = out_.size();
  // The block before `from` does not matter: a window never reaches back before its start.
  Block cur = block<C, false>(d, from, n, Block{}, to);
  for (size_t p = from; p < to; p += 64) {
    // Most blocks lie wholly before `to` (hence before n): no edge to check.
    const Block next =
        p + 128 <= to ? block<C, true>(d, p + 64, n, cur, to) : block<C, false>(d, p + 64, n, cur, to);
    if ((cur.high | next.high) != 0) {
      for (uint64_t s = C::pdep(cur.starts, cur.digit); s != 0; s &= s - 1) windowsFrom(d, p + ctz(s), n);
    } else {
      candidates<C>(d, p, cur, next, n);
    }
    cur = next;
  }
  // Found start by start; the contract (and streaming) orders by end, then start.
  const auto byEnd = [](const Match& x, const Match& y) {
    return x.end != y.end ? x.end < y.end : x.start < y.start;
  };
  const auto first = out_.begin() + static_cast<std::ptrdiff_t>(before);
  if (!std::is_sorted(first, out_.end(), byEnd)) std::sort(first, out_.end(), byEnd);
}

// The masks of the block at d[p] (64 bytes, or fewer at the end: past n, nothing is a digit or a
// separator). prev: the block before it, for the bytes just before d[p]. Group starts at or
// after `to` are left out. kInside: the caller knows p + 64 <= to (<= n).
template <class C, bool kInside>
inline Block CardWindowScanner::block(const uint8_t* d, size_t p, size_t n, const Block& prev, size_t to) {
  Block b;
  if (!kInside && p >= n) return b;
  if (!kInside && p >= to) to = p;  // no start from here on (the masks still serve the blocks before)
  Masks m;
  if (kInside || n - p >= 64) {
    m = C::classify(d + p);
  } else {
    alignas(64) uint8_t buf[64] = {};  // zero bytes are breakers
    std::memcpy(buf, d + p, n - p);
    m = C::classify(buf);
  }
  b.digit = m.digit;
  b.high = m.high;
  // Bit i of before(x, px, k): bit i - k of x, or of the previous block's px when i < k.
  const auto before = [](uint64_t x, uint64_t px, unsigned k) { return x << k | px >> (64 - k); };
  b.other = ~b.digit;
  const uint64_t other1 = before(b.other, prev.other, 1);  // the byte before is no digit
  b.other2 = b.other & other1;
  const uint64_t other4 = b.other2 & before(b.other2, prev.other2, 2);  // 4th non-digit in a row
  const uint64_t groupStarts = b.digit & other1;
  const uint64_t groupEnds = b.digit & ~(b.digit >> 1);
  // A gap joins two groups when it is 1 to 3 ASCII separators. Bytes that break it: a 4th
  // non-digit in a row, a breaker, a byte >= 0x80 (blocks with those are walked exactly). Adding
  // them to the non-digit mask carries out of each gap holding one into the digit after it.
  const uint64_t poison = other4 | m.breaker | m.high;
  const uint64_t sum = b.other + poison;
  const uint64_t carried = sum + static_cast<uint64_t>(prev.brokenGap);
  b.brokenGap = (sum < b.other) | (carried < sum);
  uint64_t starts = groupStarts;
  if (!kInside && to - p < 64) starts &= (uint64_t{1} << (to - p)) - 1;  // to - p is 0 past `to`
  b.starts = C::pext(starts, b.digit);
  b.ends = C::pext(groupEnds, b.digit);
  b.breaks = C::pext(carried & groupStarts, b.digit);
  b.count = popcount(b.digit);
  return b;
}

// The group starts of the ASCII block cur (at d[p]) that may begin a window, given the next block.
// Digit masks of the two blocks are joined (cur's digits, then next's): digit k + n - 1 ends a
// group exactly when an n-digit window may end there. Past both blocks nothing is known, and a
// start whose windows may reach that far is walked exactly.
template <class C>
inline void CardWindowScanner::candidates(const uint8_t* d, size_t p, const Block& cur, const Block& next,
                                          size_t n) {
  Joined j;
  j.known = cur.count + next.count < 64 ? cur.count + next.count : 64;
  j.breaks = cur.breaks | shiftLeft(next.breaks, cur.count);
  // No digit in next's last 4 bytes: no run goes on past next (a gap is at most 3 bytes), so the
  // digit after the known ones, wherever it is, begins a new run.
  j.closed = (j.known < 64) & ((next.digit >> 60) == 0);  // & not &&: no branch to mispredict
  j.breaks |= static_cast<uint64_t>(j.closed) << (j.known & 63);
  // Bit k of within11: a run break among digits k+1..k+11 (a 12-digit window cannot start at k).
  const uint64_t r1 = j.breaks >> 1;
  const uint64_t r2 = r1 | (r1 >> 1);
  const uint64_t r4 = r2 | (r2 >> 2);
  const uint64_t r8 = r4 | (r4 >> 4);
  const uint64_t within11 = r8 | (r2 >> 8) | (r1 >> 10);
  const uint64_t starts = cur.starts & ~within11;
  if (starts == 0) return;  // two blocks in three in logs
  // cur's last byte, a digit followed by one, does not end a group after all. (Neither might
  // next's: check() treats that digit as unknown.)
  const uint64_t goesOn = (cur.digit >> 63) & next.digit & 1;
  j.ends = (cur.ends & ~(goesOn << ((cur.count - 1) & 63))) | shiftLeft(next.ends, cur.count);
  for (uint64_t rest = starts; rest != 0; rest &= rest - 1) {
    const unsigned k = ctz(rest);
    check(d, p + ctz(C::pdep(uint64_t{1} << k, cur.digit)), k, j, n);
  }
}

// The start d[a], digit k of the joined masks: walks it exactly unless its first two digits and
// the ends of the groups that follow it rule out every window (and it has no suffix window).
void CardWindowScanner::check(const uint8_t* d, size_t a, unsigned k, const Joined& j, size_t n) {
  const uint64_t after = shiftRight(j.breaks, k + 1);  // bit i: digit k + 1 + i begins a new run
  const uint64_t fromK = j.ends >> k;                  // bit i: digit k + i ends a group
  // Windows may reach the last known digit (perhaps not a group end) or past it: walk.
  if (fromK == 0 || (after == 0 && k + kMaxPanDigits >= j.known)) {
    windowsFrom(d, a, n);
    return;
  }
  const unsigned run = after != 0 ? ctz(after) + 1 : j.known - k;  // digits from k in its run
  const unsigned group = ctz(fromK) + 1;                            // digits of k's group
  // The lengths the first two digits may issue (any second digit, when k's group has one).
  const unsigned first = d[a] - '0';
  const uint32_t issued = group > 1 ? f_.prefix2_[first * 10 + (d[a + 1] - '0')] : f_.prefix1_[first];
  const unsigned longest = run < kMaxPanDigits ? run : kMaxPanDigits;
  const uint64_t lengths = (fromK << 1) & issued & ((uint64_t{2} << longest) - 1);
  // Suffix windows: a group of 13+ digits right before '=' or 'D'. Rare: walk.
  if (group > kMinPanDigits && a + group < n && (d[a + group] == '=' || d[a + group] == 'D')) {
    windowsFrom(d, a, n);
    return;
  }
  if (lengths == 0) return;
  // The window digits and where each ends (the bytes from a are digits and ASCII separators).
  const unsigned most = 63 - static_cast<unsigned>(__builtin_clzll(lengths));
  uint8_t w[kMaxPanDigits + 1];
  size_t end[kMaxPanDigits + 1];
  for (size_t i = a, c = 0; c < most; ++i) {
    w[c] = static_cast<uint8_t>(d[i] - '0');
    end[c] = i + 1;
    c += isDigit(d[i]);
  }
  for (uint64_t l = lengths; l != 0; l &= l - 1) {
    const unsigned len = ctz(l);
    if (f_.windowPasses(w, len)) emit(a, end[len - 1]);
  }
}

namespace {
// The separator at d[i] in bytes (UTF-8 sequences whole and in d[..n)), or 0 for none.
inline unsigned separatorLength(const uint8_t* d, size_t i, size_t n) {
  const uint8_t c = d[i];
  if (c < 0x80) return isAsciiSeparator(c) ? 1 : 0;
  if (!isSeparatorLead(c) || i + 1 >= n) return 0;
  const SeparatorStep second = separatorContinue(&c, 1, d[i + 1]);
  if (second != SeparatorStep::kPartial) return second == SeparatorStep::kComplete ? 2 : 0;
  if (i + 2 >= n) return 0;
  const uint8_t pending[2] = {c, d[i + 1]};
  return separatorContinue(pending, 2, d[i + 2]) == SeparatorStep::kComplete ? 3 : 0;
}
}  // namespace

// Every window whose first digit is d[a], a group start: the reference's definition applied to
// one start. Its windows span its group and the groups that follow in the run, up to 19 digits;
// the suffix windows of its group start inside it. Callers guarantee that the run ends before n
// or at the end of data.
void CardWindowScanner::windowsFrom(const uint8_t* d, size_t a, size_t n) {
  uint8_t w[kMaxPanDigits];
  unsigned count = 0;
  size_t i = a;
  const auto group = [&] {
    for (; i < n && isDigit(d[i]); ++i, ++count) {
      if (count < kMaxPanDigits) w[count] = static_cast<uint8_t>(d[i] - '0');
    }
  };
  group();
  if (count > kMinPanDigits && i < n && (d[i] == '=' || d[i] == 'D')) {
    uint8_t v[kMaxPanDigits];
    for (unsigned len = count - 1 < kMaxPanDigits ? count - 1 : kMaxPanDigits; len >= kMinPanDigits; --len) {
      for (unsigned k = 0; k < len; ++k) v[k] = static_cast<uint8_t>(d[i - len + k] - '0');
      if (f_.windowPasses(v, len)) emit(i - len, i);
    }
  }
  for (;;) {
    if (count >= kMinPanDigits && count <= kMaxPanDigits && f_.windowPasses(w, count)) emit(a, i);
    if (count >= kMaxPanDigits) return;
    size_t j = i;
    unsigned units = 0;
    for (unsigned len; units < kMaxGap && j < n && (len = separatorLength(d, j, n)) != 0; ++units) j += len;
    if (units == 0 || j >= n || !isDigit(d[j])) return;
    i = j;
    group();
  }
}

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

// Runtime dispatch: the SIMD variants are compiled with target attributes so the addon needs no
// special flags; flatten inlines the scanner and classifier into one function per target.
namespace {
using ScanFn = void (*)(CardWindowScanner&, const uint8_t*, size_t, bool);

#ifdef CARDVEIL_X86
__attribute__((target("avx2,bmi2,popcnt"), flatten)) void scanAvx2(CardWindowScanner& s, const uint8_t* d,
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
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt")) {
    return scanAvx2;
  }
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
    : id_(id), ranges_(std::move(ranges)), prefix2_{}, prefix1_{} {
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
  // A one-digit first group: the second digit is the next group's first, whatever it is.
  for (unsigned two = 0; two < 100; ++two) prefix1_[two / 10] |= prefix2_[two];
}

bool CardWindowFinder::windowPasses(const uint8_t* w, unsigned n) const {
  if (!((prefix2_[w[0] * 10u + w[1]] >> n) & 1)) return false;
  // Luhn, two digits a step from the last: the last one as is, the one before it doubled.
  unsigned sum = n & 1 ? w[0] : 0;
  for (unsigned r = n & 1; r < n; r += 2) sum += kDoubled[w[r]] + w[r + 1];
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
