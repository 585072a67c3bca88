#include "scan_worker.h"

#include "input.h"
#include "js_errors.h"
#include "results.h"
#include "utf16_offsets.h"

namespace cardveil {

ScanWorker::ScanWorker(Napi::Env env, std::shared_ptr<const PatternSet> set, Napi::Value input)
    : Napi::AsyncWorker(env, "cardveil.scanAsync"), set_(std::move(set)), deferred_(Napi::Promise::Deferred::New(env)) {
  InputView in = readInput(env, input, utf8_, InputKinds::BytesOrString, "input");
  checkBlockLength(in.length);  // refuse before queuing, so the error is synchronous
  if (!input.IsString()) pinned_ = Napi::Persistent(input.As<Napi::Object>());
  data_ = in.data;
  length_ = in.length;
  mapToUtf16_ = in.mapToUtf16;
}

void ScanWorker::Execute() {
  try {
    ScratchLease scratch(set_->pool());
    set_->scan(data_, length_, scratch.get(), matches_);
    if (mapToUtf16_) Utf16OffsetMapper().map(data_, length_, matches_.data(), matches_.data() + matches_.size());
  } catch (const Failure& failure) {
    errorCode_ = failure.code();
    SetError(failure.what());
  } catch (const std::bad_alloc&) {
    SetError("Out of memory");
  } catch (const std::exception& error) {
    SetError(std::string("Internal error: ") + error.what());
  }
}

void ScanWorker::OnOK() { deferred_.Resolve(toTriples(Env(), matches_)); }

void ScanWorker::OnError(const Napi::Error& error) {
  deferred_.Reject(engineError(Env(), errorCode_, error.Message()).Value());
}

}  // namespace cardveil
