// The one order every scan result uses: by end, then id, then start (a start of "unknown",
// UINT64_MAX, sorts first, as its JS value -1 does).
#pragma once

#include <algorithm>
#include <vector>

#include "match.h"

namespace cardveil {

constexpr uint64_t kNoStart = UINT64_MAX;  // pattern compiled without HS_FLAG_SOM_LEFTMOST

inline bool matchBefore(const Match& a, const Match& b) noexcept {
  if (a.end != b.end) return a.end < b.end;
  if (a.id != b.id) return a.id < b.id;
  return a.start + 1 < b.start + 1;  // wraps kNoStart to 0
}

inline void sortMatches(std::vector<Match>::iterator first, std::vector<Match>::iterator last) {
  std::sort(first, last, matchBefore);
}

}  // namespace cardveil
