// Maps byte offsets in the UTF-8 form of a JS string back to UTF-16 code units of the string.
// Scans run on UTF-8 (what Hyperscan and the card-window pass read); callers of scan(string) get
// offsets in the string's own units. An offset that falls inside a character (a non-UTF-8 pattern
// matching part of a multi-byte sequence) widens to the whole character: starts round down, ends
// round up, so a redaction of the span always covers what matched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "match.h"

namespace cardveil {

class Utf16OffsetMapper {
 public:
  // Rewrites start/end of matches[first..last) in place. utf8 must be valid UTF-8 (V8 writes
  // lone surrogates as U+FFFD). O(m log m + n) for m matches over n bytes; reuses its buffer.
  void map(const uint8_t* utf8, size_t length, Match* first, Match* last);

 private:
  struct Slot {
    uint64_t offset;
    uint64_t* target;
    bool isStart;
  };
  std::vector<Slot> slots_;
};

}  // namespace cardveil
