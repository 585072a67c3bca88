#include "database_wrap.h"

#include "addon_data.h"
#include "input.h"
#include "js_errors.h"
#include "results.h"
#include "scan_worker.h"
#include "stream_wrap.h"

namespace cardveil {

Napi::Function DatabaseWrap::defineClass(Napi::Env env) {
  return DefineClass(env, "NativeDatabase",
                     {
                         InstanceMethod<&DatabaseWrap::patternCount>("patternCount"),
                         InstanceMethod<&DatabaseWrap::scan>("scan"),
                         InstanceMethod<&DatabaseWrap::scanBatch>("scanBatch"),
                         InstanceMethod<&DatabaseWrap::scanRecords>("scanRecords"),
                         InstanceMethod<&DatabaseWrap::scanAsync>("scanAsync"),
                         InstanceMethod<&DatabaseWrap::openStream>("openStream"),
                         InstanceMethod<&DatabaseWrap::serialize>("serialize"),
                         InstanceMethod<&DatabaseWrap::close>("close"),
                     });
}

Napi::Object DatabaseWrap::create(Napi::Env env, std::shared_ptr<const PatternSet> set) {
  Napi::Object object = addonData(env).databaseClass.New({});
  DatabaseWrap* self = Unwrap(object);
  self->externalBytes_ = static_cast<int64_t>(set->memoryBytes());
  self->set_ = std::move(set);
  Napi::MemoryManagement::AdjustExternalMemory(env, self->externalBytes_);
  return object;
}

DatabaseWrap::DatabaseWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DatabaseWrap>(info) {
  info.This().As<Napi::Object>().TypeTag(&kDatabaseTag);
}

DatabaseWrap::~DatabaseWrap() { release(); }

void DatabaseWrap::release() {
  set_.reset();  // streams and async scans still running hold their own reference
  if (externalBytes_ != 0) {
    Napi::MemoryManagement::AdjustExternalMemory(Env(), -externalBytes_);
    externalBytes_ = 0;
  }
}

void DatabaseWrap::checkTag(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info.This().IsObject() || !info.This().As<Napi::Object>().CheckTypeTag(&kDatabaseTag)) {
    throw engineError(env, "ERR_INVALID_ARGUMENT", "Expected a cardveil database for this");
  }
  if (busy_) throw engineError(env, "ERR_INVALID_ARGUMENT", "The database was called from inside its own scanBatch");
}

std::shared_ptr<const PatternSet> DatabaseWrap::open(const Napi::CallbackInfo& info) {
  checkTag(info);
  if (!set_) throw engineError(info.Env(), "ERR_DATABASE_CLOSED", "The database is closed");
  return set_;
}

void DatabaseWrap::scanOne(const PatternSet& set, const uint8_t* data, size_t length, bool mapToUtf16,
                           hs_scratch_t* scratch) {
  matches_.clear();
  set.scan(data, length, scratch, matches_);
  if (mapToUtf16) mapper_.map(data, length, matches_.data(), matches_.data() + matches_.size());
}

Napi::Value DatabaseWrap::patternCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), open(info)->patternCount());
}

Napi::Value DatabaseWrap::scan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const PatternSet> set = open(info);
  return guarded(env, [&]() -> Napi::Value {
    InputView in = readInput(env, info[0], utf8_, InputKinds::BytesOrString, "input");
    ScratchLease scratch(set->pool());
    scanOne(*set, in.data, in.length, in.mapToUtf16, scratch.get());
    return toTriples(env, matches_);
  });
}

Napi::Value DatabaseWrap::scanBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const PatternSet> set = open(info);
  if (!info[0].IsArray()) throw argumentError(env, "an array", "records", info[0]);
  Napi::Array records = info[0].As<Napi::Array>();
  return guarded(env, [&]() -> Napi::Value {
    quads_.clear();
    ScratchLease scratch(set->pool());
    uint32_t count = records.Length();
    busy_ = true;
    try {
      for (uint32_t r = 0; r < count; r++) {
        Napi::Value record = records.Get(r);
        InputView in{};
        try {
          in = readInput(env, record, utf8_, InputKinds::BytesOrString, "records[i]");
        } catch (const Napi::Error&) {
          // Name the record (built only on this error path, never per record).
          std::string name = "records[" + std::to_string(r) + "]";
          throw argumentError(env, "a string, Buffer or Uint8Array", name.c_str(), record);
        }
        scanOne(*set, in.data, in.length, in.mapToUtf16, scratch.get());
        appendQuads(quads_, r, matches_);
      }
    } catch (...) {
      busy_ = false;
      throw;
    }
    busy_ = false;
    return toFloat64Array(env, quads_);
  });
}

// The per-record-overhead path: one Buffer and the end offset of each record, so a batch costs
// two argument conversions however many records it holds.
Napi::Value DatabaseWrap::scanRecords(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const PatternSet> set = open(info);
  InputView in = readInput(env, info[0], utf8_, InputKinds::BytesOnly, "buffer");
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw argumentError(env, "a Uint32Array", "ends", info[1]);
  }
  Napi::Uint32Array ends = info[1].As<Napi::Uint32Array>();
  const uint32_t* endData = ends.Data();
  size_t count = ends.ElementLength();
  uint64_t previous = 0;
  for (size_t r = 0; r < count; r++) {
    if (endData[r] < previous || endData[r] > in.length) {
      throw engineError(env, "ERR_INVALID_ARGUMENT",
                        "Expected ends to be non-decreasing offsets within the buffer, but ends[" +
                            std::to_string(r) + "] is " + std::to_string(endData[r]));
    }
    previous = endData[r];
  }
  return guarded(env, [&]() -> Napi::Value {
    quads_.clear();
    ScratchLease scratch(set->pool());
    uint32_t start = 0;
    for (size_t r = 0; r < count; r++) {
      scanOne(*set, in.data + start, endData[r] - start, false, scratch.get());
      appendQuads(quads_, static_cast<double>(r), matches_);
      start = endData[r];
    }
    return toFloat64Array(env, quads_);
  });
}

Napi::Value DatabaseWrap::scanAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const PatternSet> set = open(info);
  return guarded(env, [&]() -> Napi::Value {
    auto* worker = new ScanWorker(env, set, info[0]);  // AsyncWorker deletes itself when done
    Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
  });
}

Napi::Value DatabaseWrap::openStream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const PatternSet> set = open(info);
  return guarded(env, [&]() -> Napi::Value { return StreamWrap::create(env, set); });
}

Napi::Value DatabaseWrap::serialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const PatternSet> set = open(info);
  return guarded(env, [&]() -> Napi::Value {
    std::string bytes = set->serialize();
    return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  });
}

Napi::Value DatabaseWrap::close(const Napi::CallbackInfo& info) {
  checkTag(info);
  release();
  matches_ = {};
  quads_ = {};
  utf8_ = {};
  return info.Env().Undefined();
}

}  // namespace cardveil
