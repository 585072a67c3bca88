// One function classifies every scan input, so Buffers, Uint8Array views (at their byteOffset) and
// strings are read the same way everywhere (scan, scanBatch, scanAsync, stream writes).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace cardveil {

struct InputView {
  const uint8_t* data;
  size_t length;     // bytes
  bool mapToUtf16;   // a non-ASCII string: offsets must be mapped back to UTF-16 units
};

enum class InputKinds { BytesOnly, BytesOrString };

// Uint8Array/Buffer: a view of its bytes (no copy; valid while the JS value is alive and the
// caller runs no JS). String (when allowed): converted to UTF-8 into `utf8`, which is reused and
// only grows; ASCII strings need no offset mapping. Anything else: ERR_INVALID_ARGUMENT naming `name`.
InputView readInput(Napi::Env env, napi_value value, std::string& utf8, InputKinds kinds, const char* name);

}  // namespace cardveil
