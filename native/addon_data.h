// Per-environment state of the addon (each worker thread loads its own instance): the JS error
// class, the constructors of the wrapped classes, and the type tags that let a method refuse a
// `this` that is not its own class (a borrowed method must not reinterpret another object).
#pragma once

#include <napi.h>

namespace cardveil {

struct AddonData {
  Napi::FunctionReference errorClass;  // EngineError, handed over by lib/engine/native.ts
  Napi::FunctionReference databaseClass;
  Napi::FunctionReference streamClass;
  // Most scans of log lines find nothing: they all return this one zero-length array (it has no
  // elements to overwrite) instead of allocating a typed array per call.
  Napi::Reference<Napi::Float64Array> emptyResult;
};

inline AddonData& addonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

// Random 128-bit tags, one per wrapped class.
constexpr napi_type_tag kDatabaseTag = {0x6a1f3c2e9b4d4a51ULL, 0x8e2f7c1d0b3a6958ULL};
constexpr napi_type_tag kStreamTag = {0x2d7e9a4c5f1b4e83ULL, 0x9c0a6b3e7d2f1845ULL};

}  // namespace cardveil
