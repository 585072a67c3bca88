// The JS-facing stream: one StreamScanner. Created only by DatabaseWrap::openStream; an object
// made with `new` from JS has no scanner and behaves as closed. Garbage collection of an unclosed
// stream closes its Hyperscan stream (HsStream deleter) without reporting end-of-data matches.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "stream_scanner.h"

namespace cardveil {

class StreamWrap : public Napi::ObjectWrap<StreamWrap> {
 public:
  static Napi::Function defineClass(Napi::Env env);
  static Napi::Object create(Napi::Env env, std::shared_ptr<const PatternSet> set);

  explicit StreamWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value write(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  StreamScanner& open(const Napi::CallbackInfo& info);

  std::unique_ptr<StreamScanner> scanner_;
  std::vector<Match> matches_;
};

}  // namespace cardveil
