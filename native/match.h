// One match reported by an engine: pattern (or card-window finder) id and byte offsets.
// start is UINT64_MAX when the pattern was compiled without HS_FLAG_SOM_LEFTMOST.
#pragma once

#include <cstdint>

namespace cardveil {

struct Match {
  uint32_t id;
  uint64_t start;
  uint64_t end;
};

}  // namespace cardveil
