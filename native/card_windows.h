// The card-window pass: finds PAN candidates (digit windows that pass Luhn and an issuer-range
// check) in bytes, in block mode and in streaming mode.
//
// The specification is the TypeScript reference lib/engine/card-windows.ts; this pass reports
// exactly the same windows for every input, read as UTF-8 (invalid UTF-8 is a non-separator,
// non-digit byte), and a stream reports the same windows as one block scan of the concatenated
// chunks, whatever the chunking. Why it exists: per-brand card regexes are Hyperscan's slowest
// patterns (0.29 GB/s for 13 of them), a digit-run walk with SIMD skipping is >10x faster.
//
// Threads: a CardWindowFinder is immutable after construction and may be shared by any number of
// threads; a CardWindowStream belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "match.h"

namespace cardveil {

// An issuer range as in lib/engine/types.ts: `from` and `to` are digit strings of equal length
// (inclusive, compared as strings), bit n of lengthMask set means PAN length n is issued.
struct IssuerRangeC {
  std::string from, to;
  uint32_t lengthMask;
};

// The configuration compiled into lookup tables. Immutable, shareable across threads.
class CardWindowFinder {
 public:
  CardWindowFinder(uint32_t id, std::vector<IssuerRangeC> ranges);
  uint32_t id() const { return id_; }
  // Block mode: appends {id, start, end} byte offsets for every window in data[0..len), sorted by
  // end, then start (the reference's order; callers must not rely on it across finders).
  void find(const uint8_t* data, size_t len, std::vector<Match>& out) const;
  // Config only (id + ranges), versioned; see card_windows.cc for the layout.
  std::string serialize() const;
  // nullptr on bad input (wrong magic or version, truncated, trailing bytes).
  static std::unique_ptr<CardWindowFinder> deserialize(const uint8_t* p, size_t n);

  friend class CardWindowScanner;  // card_windows.cc: the byte walk that uses these tables

 private:
  // True when the n digit values w[0..n) pass the issuer-range and Luhn checks.
  bool windowPasses(const uint8_t* w, unsigned n) const;
  // The issuer-range check alone (for callers that computed Luhn already).
  bool issued(const uint8_t* w, unsigned n) const;

  uint32_t id_;
  std::vector<IssuerRangeC> ranges_;
  // prefix2_[d0 * 10 + d1] has bit n set when some range may issue length n to a PAN starting
  // with digits d0 d1 (a necessary condition; the exact check runs on the candidates below).
  uint32_t prefix2_[100];
  // prefix1_[d0]: the union of prefix2_[d0 * 10 + d1] over d1 (when d1 is not known yet).
  uint32_t prefix1_[10];
  // candidates_[n - 12][d0 * 10 + d1]: indexes of those ranges.
  std::vector<uint32_t> candidates_[8][100];
};

// Scanner state shared by block and streaming mode. Fixed size: no allocation per scan.
struct CardWindowScanState {
  enum class Mode : uint8_t { kIdle, kGroup, kGap };
  uint64_t base = 0;          // absolute offset of the current chunk's first byte
  Mode mode = Mode::kIdle;
  uint8_t gapUnits = 0;       // separator units completed in the current gap
  uint8_t pendingLen = 0;     // bytes seen of a multi-byte separator (split across writes too)
  uint8_t pending[2] = {0, 0};
  uint64_t runDigits = 0;     // digits in the current run; index into digits (mod 32)
  uint64_t runGroups = 0;     // groups in the current run; index into groups (mod 32)
  uint64_t groupStart = 0;    // absolute offset of the current group's first digit
  uint64_t groupDigitFrom = 0;
  uint8_t digits[32] = {};    // last 32 digit values of the run (a window needs <= 19)
  struct Group {
    uint64_t start;
    uint64_t digitFrom;
  } groups[32] = {};          // last 32 groups of the run (a window spans <= 19)
};

// Per-stream state; offsets are absolute over the stream. The finder must outlive the stream.
// After close() the stream starts over as a new stream at offset 0.
class CardWindowStream {
 public:
  explicit CardWindowStream(const CardWindowFinder& finder) : finder_(&finder) {}
  // Appends the windows that are certain once data[0..len) is seen (their last group ended).
  void write(const uint8_t* data, size_t len, std::vector<Match>& out);
  // Appends the windows that only the end of data confirms, then resets the stream.
  void close(std::vector<Match>& out);

 private:
  const CardWindowFinder* finder_;
  CardWindowScanState state_;
};

}  // namespace cardveil
