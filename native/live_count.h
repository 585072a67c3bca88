// Counts live instances of a class, for the leak test (test/engine/native-memory.test.ts reads the
// counts through the addon's liveObjects()). A member of this type counts its owner.
#pragma once

#include <atomic>
#include <cstdint>

namespace cardveil {

template <typename Owner>
class LiveCount {
 public:
  LiveCount() noexcept { count_.fetch_add(1, std::memory_order_relaxed); }
  LiveCount(const LiveCount&) noexcept : LiveCount() {}
  LiveCount& operator=(const LiveCount&) noexcept { return *this; }
  ~LiveCount() { count_.fetch_sub(1, std::memory_order_relaxed); }
  static int64_t live() noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  static inline std::atomic<int64_t> count_{0};
};

}  // namespace cardveil
