// The JS-facing Database: a thin wrapper over a shared PatternSet. Only lib/engine/native.ts sees
// it (held in a private field of the TS class). All validation of options happens in TS; this
// class re-checks argument types cheaply and converts between JS values and the C++ core.
// Thread rules: methods run on the JS thread; the reusable buffers below are JS-thread-only, and
// async scans get their own buffers (scan_worker.h).
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "pattern_set.h"
#include "utf16_offsets.h"

namespace cardveil {

class DatabaseWrap : public Napi::ObjectWrap<DatabaseWrap> {
 public:
  static Napi::Function defineClass(Napi::Env env);
  // Wraps set in a new JS object of this class.
  static Napi::Object create(Napi::Env env, std::shared_ptr<const PatternSet> set);

  explicit DatabaseWrap(const Napi::CallbackInfo& info);
  ~DatabaseWrap() override;

 private:
  Napi::Value patternCount(const Napi::CallbackInfo& info);
  Napi::Value scan(const Napi::CallbackInfo& info);
  Napi::Value scanBatch(const Napi::CallbackInfo& info);
  Napi::Value scanRecords(const Napi::CallbackInfo& info);
  Napi::Value scanAsync(const Napi::CallbackInfo& info);
  Napi::Value openStream(const Napi::CallbackInfo& info);
  Napi::Value serialize(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);

  // Checks the type tag of `this`, that no scanBatch is running and that close() was not called.
  std::shared_ptr<const PatternSet> open(const Napi::CallbackInfo& info);
  void checkTag(const Napi::CallbackInfo& info);
  // Block scan of one input into matches_ (offsets in the input's units).
  void scanOne(const PatternSet& set, const uint8_t* data, size_t length, bool mapToUtf16, hs_scratch_t* scratch);
  void release();

  std::shared_ptr<const PatternSet> set_;  // null once closed
  // scanBatch reads array elements, which can run JS (getters, proxies); that JS must not call
  // back into this object while the batch fills matches_/quads_.
  bool busy_ = false;
  int64_t externalBytes_ = 0;              // reported to V8 so GC feels native memory
  std::vector<Match> matches_;
  std::vector<double> quads_;
  std::string utf8_;
  Utf16OffsetMapper mapper_;
};

}  // namespace cardveil
