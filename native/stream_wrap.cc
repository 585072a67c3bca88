#include "stream_wrap.h"

#include "addon_data.h"
#include "input.h"
#include "js_errors.h"
#include "results.h"

namespace cardveil {

Napi::Function StreamWrap::defineClass(Napi::Env env) {
  return DefineClass(env, "NativeStream",
                     {
                         InstanceMethod<&StreamWrap::write>("write"),
                         InstanceMethod<&StreamWrap::close>("close"),
                     });
}

Napi::Object StreamWrap::create(Napi::Env env, std::shared_ptr<const PatternSet> set) {
  auto scanner = std::make_unique<StreamScanner>(std::move(set));
  Napi::Object object = addonData(env).streamClass.New({});
  Unwrap(object)->scanner_ = std::move(scanner);
  return object;
}

StreamWrap::StreamWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StreamWrap>(info) {
  info.This().As<Napi::Object>().TypeTag(&kStreamTag);
}

StreamScanner& StreamWrap::open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info.This().IsObject() || !info.This().As<Napi::Object>().CheckTypeTag(&kStreamTag)) {
    throw engineError(env, "ERR_INVALID_ARGUMENT", "Expected a cardveil stream for this");
  }
  if (!scanner_ || scanner_->closed()) throw engineError(env, "ERR_STREAM_CLOSED", "The stream is closed");
  return *scanner_;
}

Napi::Value StreamWrap::write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StreamScanner& scanner = open(info);
  std::string unused;  // chunks are bytes only, so readInput never converts a string here
  InputView chunk = readInput(env, info[0], unused, InputKinds::BytesOnly, "chunk");
  return guarded(env, [&]() -> Napi::Value {
    matches_.clear();
    scanner.write(chunk.data, chunk.length, matches_);
    return toTriples(env, matches_);
  });
}

Napi::Value StreamWrap::close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StreamScanner& scanner = open(info);
  return guarded(env, [&]() -> Napi::Value {
    matches_.clear();
    // Release the scanner (and its database reference) even if the final flush fails.
    std::unique_ptr<StreamScanner> owned = std::move(scanner_);
    scanner.close(matches_);
    Napi::Float64Array result = toTriples(env, matches_);
    matches_ = {};
    return result;
  });
}

}  // namespace cardveil
