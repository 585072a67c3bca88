#include "scratch_pool.h"

#include "failure.h"

namespace cardveil {

ScratchPool::ScratchPool(HsScratch prototype) : prototype_(std::move(prototype)) {}

HsScratch ScratchPool::acquire() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!free_.empty()) {
    HsScratch scratch = std::move(free_.back());
    free_.pop_back();
    return scratch;
  }
  if (!prototype_) return nullptr;  // a set with no Hyperscan database needs no scratch
  hs_scratch_t* clone = nullptr;
  checkHs(hs_clone_scratch(prototype_.get(), &clone), "hs_clone_scratch");
  return HsScratch(clone);
}

void ScratchPool::release(HsScratch scratch) noexcept {
  if (!scratch) return;
  std::lock_guard<std::mutex> lock(mutex_);
  // push_back may throw bad_alloc; then the scratch is simply freed by its owner.
  try {
    free_.push_back(std::move(scratch));
  } catch (...) {
  }
}

}  // namespace cardveil
