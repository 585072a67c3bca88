// PatternSet: one compiled pattern database (block and stream mode) plus the optional card-window
// and evasion-hint passes, independent of Node. It is immutable after construction and shared (shared_ptr) by the JS
// Database object, its open streams and its in-flight async scans, so `close()` in JS can drop its
// reference while a scan or stream still runs: memory is freed when the last user is done.
//
// Hyperscan ids are pattern indexes; userIds_ maps them back to the caller's ids (several patterns
// may share an id) and som_ says whether that pattern reports a start offset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "card_windows.h"
#include "evasion_hints.h"
#include "hs_handles.h"
#include "live_count.h"
#include "match.h"
#include "scratch_pool.h"

namespace cardveil {

struct PatternInput {
  std::vector<std::string> expressions;
  std::vector<uint32_t> flags;   // HS_FLAG_* per pattern
  std::vector<uint32_t> ids;     // caller ids per pattern
  std::vector<hs_expr_ext_t> ext;  // ext[i].flags == 0 when pattern i has no extended parameters
};

class PatternSet {
 public:
  // Compiles both modes eagerly: every error surfaces at compile time, the set never changes
  // afterwards (no lazy-init lock on the scan path), and serialize() can ship both modes to
  // worker threads, which then never compile. Throws CompileFailure or Failure.
  static std::shared_ptr<const PatternSet> compile(const PatternInput& input,
                                                    std::unique_ptr<CardWindowFinder> cards,
                                                    std::unique_ptr<EvasionHintFinder> hints);
  // Throws Failure("ERR_DESERIALIZE") on anything that is not a blob from serialize().
  static std::shared_ptr<const PatternSet> deserialize(const uint8_t* bytes, size_t length);

  std::string serialize() const;
  uint32_t patternCount() const noexcept { return static_cast<uint32_t>(userIds_.size()); }
  // Native bytes held (databases plus one scratch), reported to V8 as external memory.
  size_t memoryBytes() const noexcept { return memoryBytes_; }

  // Block scan of data[0..length) with a scratch from pool(). Appends matches (byte offsets,
  // caller ids, card windows and evasion hints included) in the order of match_order.h. length must be < 4 GiB.
  void scan(const uint8_t* data, size_t length, hs_scratch_t* scratch, std::vector<Match>& out) const;

  ScratchPool& pool() const noexcept { return *pool_; }
  const hs_database_t* streamDatabase() const noexcept { return stream_.get(); }
  const CardWindowFinder* cardWindows() const noexcept { return cards_.get(); }
  const EvasionHintFinder* evasionHints() const noexcept { return hints_.get(); }

  // Recording context for Hyperscan's match callback (also used by streams).
  struct Recorder {
    const PatternSet* set;
    std::vector<Match>* out;
    bool outOfMemory;
  };
  static int onMatch(unsigned int index, unsigned long long from, unsigned long long to,
                     unsigned int flags, void* context) noexcept;

 private:
  PatternSet() = default;
  void allocateScratch();  // sizes one prototype scratch for both databases and builds the pool

  std::vector<uint32_t> userIds_;
  std::vector<uint8_t> som_;
  HsDatabase block_;   // null when there are no patterns (Hyperscan needs at least one)
  HsDatabase stream_;  // likewise
  std::unique_ptr<CardWindowFinder> cards_;
  std::unique_ptr<EvasionHintFinder> hints_;
  std::unique_ptr<ScratchPool> pool_;
  size_t memoryBytes_ = 0;
  LiveCount<PatternSet> live_;
};

// A valid pointer for zero-length inputs (an empty Uint8Array may have a null data pointer).
extern const uint8_t kEmptyInput[1];

// Refuses a block-mode length Hyperscan cannot take (its lengths are 32-bit): never truncate.
void checkBlockLength(size_t length);

}  // namespace cardveil
