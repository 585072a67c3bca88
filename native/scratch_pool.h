// A pool of Hyperscan scratch spaces for one pattern set.
//
// Hyperscan needs one scratch per concurrent scan. The first scratch is allocated right after
// compile/deserialize (so a database that cannot get scratch fails at construction, not at its
// first scan); further ones are cloned only when every pooled scratch is in use, and are returned
// to the pool afterwards, so the steady state allocates nothing per scan.
// Thread rules: acquire/release are safe from any thread (one mutex, held only to push/pop).
#pragma once

#include <mutex>
#include <vector>

#include "hs_handles.h"

namespace cardveil {

class ScratchPool {
 public:
  // prototype must already be sized for every database it will scan (block and stream).
  explicit ScratchPool(HsScratch prototype);
  ScratchPool(const ScratchPool&) = delete;
  ScratchPool& operator=(const ScratchPool&) = delete;

  HsScratch acquire();
  void release(HsScratch scratch) noexcept;

 private:
  std::mutex mutex_;
  HsScratch prototype_;           // never handed out: the template for clones
  std::vector<HsScratch> free_;   // idle scratches
};

// Holds one scratch for the lifetime of a scan and gives it back even when the scan throws.
class ScratchLease {
 public:
  explicit ScratchLease(ScratchPool& pool) : pool_(pool), scratch_(pool.acquire()) {}
  ~ScratchLease() { pool_.release(std::move(scratch_)); }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  hs_scratch_t* get() const noexcept { return scratch_.get(); }

 private:
  ScratchPool& pool_;
  HsScratch scratch_;
};

}  // namespace cardveil
