// scanAsync: a "baton" filled on the JS thread before queuing (set reference, input bytes, a
// string already converted to UTF-8), Execute() touching only the baton on a libuv thread, and the
// promise settled on the JS thread. A Buffer input is pinned by a reference until the worker is
// destroyed, after OnOK/OnError. Its scratch comes from the set's pool, so concurrent async scans
// of one database never share a scratch.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "live_count.h"
#include "pattern_set.h"

namespace cardveil {

class ScanWorker : public Napi::AsyncWorker {
 public:
  // Reads `input` now (throws ERR_INVALID_ARGUMENT / ERR_INPUT_TOO_LARGE synchronously).
  ScanWorker(Napi::Env env, std::shared_ptr<const PatternSet> set, Napi::Value input);
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  std::shared_ptr<const PatternSet> set_;
  Napi::ObjectReference pinned_;  // keeps a Buffer input alive while Execute reads it
  std::string utf8_;              // a string input, converted before queuing
  const uint8_t* data_ = nullptr;
  size_t length_ = 0;
  bool mapToUtf16_ = false;
  std::vector<Match> matches_;
  const char* errorCode_ = "ERR_SCAN";
  Napi::Promise::Deferred deferred_;
  LiveCount<ScanWorker> live_;
};

}  // namespace cardveil
