// The evasion-hint pass: finds non-ASCII digits anywhere, and invisible characters directly after
// an ASCII digit, in UTF-8 bytes, in block mode and in streaming mode.
//
// The specification is the TypeScript reference lib/engine/evasion-hints.ts; this pass reports
// exactly the same hints for every input, and a stream reports the same hints as one block scan of
// the concatenated chunks, whatever the chunking. Why it exists: the few hundred multi-byte
// literals these two patterns need cut a Hyperscan database of ASCII literals to half its speed,
// while on ASCII text (most logs) they cannot match at all and a SIMD skip of ASCII blocks is
// nearly free. ASCII invisibles (control characters between digit groups) are a byte-set test in
// the same skip: as a Hyperscan class pattern, `[0-9][\x00\x08\x0b\x0c\x1b]` alone cost 15% of
// the database scan on loghub.
//
// Threads: an EvasionHintFinder is immutable after construction and may be shared by any number of
// threads; an EvasionHintStream belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "match.h"

namespace cardveil {

// An inclusive code point range, as the `[first, last]` pairs of lib/engine/types.ts.
struct CodePointRange {
  uint32_t first;
  uint32_t last;
};

// Resumable scan state: what a stream carries between writes (block mode starts and ends fresh).
struct EvasionHintState {
  uint64_t base = 0;            // absolute offset of the current chunk's first byte
  bool lastWasDigit = false;    // the byte before the current chunk is an ASCII digit
  uint8_t pendingLen = 0;       // bytes held of a sequence cut by the end of the previous chunk
  bool pendingAfterDigit = false;  // the byte before that sequence is an ASCII digit
  uint8_t pending[3] = {0, 0, 0};
};

// The configuration compiled into a two-level bitmap. Immutable, shareable across threads.
class EvasionHintFinder {
 public:
  // Throws std::invalid_argument unless every range is first <= last within 0x80..0x10FFFF (0..0x10FFFF
  // for invisibles) and leaves out the surrogates (the rules of lib/engine/validate.ts).
  EvasionHintFinder(uint32_t id, std::vector<CodePointRange> digits, std::vector<CodePointRange> invisibles);
  uint32_t id() const noexcept { return id_; }
  // Block mode: appends {id, start, end} byte offsets of every hint in data[0..len), sorted by end.
  void find(const uint8_t* data, size_t len, std::vector<Match>& out) const;
  // Config only (id + both range lists), versioned; see evasion_hints.cc for the layout.
  std::string serialize() const;
  // nullptr on bad input (wrong magic or version, truncated, trailing bytes, invalid ranges).
  static std::unique_ptr<EvasionHintFinder> deserialize(const uint8_t* p, size_t n);

  // Scans data[0..len) from state (absolute offsets from state.base) and advances it. final: no
  // more data follows, so a cut sequence is invalid bytes rather than pending.
  void scan(const uint8_t* data, size_t len, EvasionHintState& state, bool final, std::vector<Match>& out) const;

  // The lead bytes (C2..F4) of the listed code points' UTF-8 encodings: any[b] for byte b, and the
  // same set as two nibble tables for PSHUFB (b is in it iff low[b & 15] & high[b >> 4] != 0),
  // each 16-byte table repeated 4 times so that a 256- or 512-bit register loads it directly.
  // Non-ASCII text whose leads are outside the set (most Cyrillic, Greek, CJK ideographs) is
  // skipped by SIMD as well.
  // The ASCII invisibles (code points below 0x80, such as an ESC between digit groups) come as a
  // byte set too: b < 0x80 is in it iff asciiLow[b & 15] & asciiHigh[b >> 4] != 0 (asciiHigh[h]
  // is 1 << h for h < 8, 0 above, so no byte >= 0x80 is), and ascii[b] for the scalar code.
  struct LeadTables {
    alignas(64) uint8_t low[64];
    alignas(64) uint8_t high[64];
    alignas(64) uint8_t asciiLow[64];
    alignas(64) uint8_t asciiHigh[64];
    bool any[256];
    bool ascii[128];
    bool anyAscii;  // some ASCII code point is an invisible: every block must be looked at
  };
  const LeadTables& leads() const noexcept { return leads_; }

  // Membership bits of a code point: kDigit, kInvisible or both. cp must be <= 0x10FFFF.
  static constexpr uint8_t kDigit = 1;
  static constexpr uint8_t kInvisible = 2;
  uint8_t classOf(uint32_t cp) const noexcept {
    const Page& page = pages_[pageOf_[cp >> 8]];
    const unsigned bit = cp & 63;
    const unsigned word = (cp >> 6) & 3;
    return static_cast<uint8_t>(((page.digit[word] >> bit) & 1) | (((page.invisible[word] >> bit) & 1) << 1));
  }

 private:
  // 256 code points: one bit per code point and list. Page 0 is the shared empty page.
  struct Page {
    uint64_t digit[4];
    uint64_t invisible[4];
  };
  void mark(const std::vector<CodePointRange>& ranges, bool digit, uint32_t lowest);

  uint32_t id_;
  std::vector<CodePointRange> digits_;
  std::vector<CodePointRange> invisibles_;
  std::vector<uint16_t> pageOf_;  // 0x1100 entries: page index per 256 code points
  std::vector<Page> pages_;
  LeadTables leads_{};
};

// Per-stream state; offsets are absolute over the stream. The finder must outlive the stream.
// After close() the stream starts over as a new stream at offset 0.
class EvasionHintStream {
 public:
  explicit EvasionHintStream(const EvasionHintFinder& finder) : finder_(&finder) {}
  // Appends the hints whose last byte is in data[0..len).
  void write(const uint8_t* data, size_t len, std::vector<Match>& out);
  // Ends the stream (a sequence still cut is invalid bytes: nothing to report) and resets it.
  void close();

 private:
  const EvasionHintFinder* finder_;
  EvasionHintState state_;
};

}  // namespace cardveil
