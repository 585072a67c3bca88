#include "utf16_offsets.h"

#include <algorithm>

#include "match_order.h"

namespace cardveil {

namespace {

size_t sequenceLength(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return 4;
}

}  // namespace

void Utf16OffsetMapper::map(const uint8_t* utf8, size_t length, Match* first, Match* last) {
  slots_.clear();
  for (Match* m = first; m != last; ++m) {
    if (m->start != kNoStart) slots_.push_back(Slot{m->start, &m->start, true});
    slots_.push_back(Slot{m->end, &m->end, false});
  }
  std::sort(slots_.begin(), slots_.end(), [](const Slot& a, const Slot& b) { return a.offset < b.offset; });
  size_t pos = 0;     // byte offset of the next character
  uint64_t units = 0; // UTF-16 units before pos
  for (const Slot& slot : slots_) {
    size_t charBytes = 0;
    while (pos < length) {
      charBytes = std::min(sequenceLength(utf8[pos]), length - pos);
      if (pos + charBytes > slot.offset) break;
      pos += charBytes;
      units += charBytes == 4 ? 2 : 1;
    }
    if (slot.offset <= pos || pos >= length) {
      *slot.target = units;
    } else {  // inside the character at pos
      *slot.target = slot.isStart ? units : units + (charBytes == 4 ? 2 : 1);
    }
  }
}

}  // namespace cardveil
