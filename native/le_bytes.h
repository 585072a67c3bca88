// Little-endian u32 writing and bounds-checked reading, for the native passes' serialized configs.
#pragma once

#include <cstdint>
#include <string>

namespace cardveil {

inline void putU32(std::string& s, uint32_t v) {
  for (int k = 0; k < 4; ++k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

/** Reads a u32 at `p` and advances it; false (and `p` unchanged) when fewer than 4 bytes remain. */
inline bool getU32(const uint8_t*& p, const uint8_t* end, uint32_t& v) {
  if (end - p < 4) return false;
  v = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  p += 4;
  return true;
}

}  // namespace cardveil
