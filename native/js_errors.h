// Builds the JS errors the addon throws: instances of the EngineError class JS passed in at load,
// with a string `code`. Also converts the C++ core's Failure exceptions at the N-API boundary.
#pragma once

#include <napi.h>

#include <string>

namespace cardveil {

// new EngineError(code, message[, { index, id }]); index < 0 means no pattern is named.
Napi::Error engineError(Napi::Env env, const char* code, const std::string& message,
                        int64_t patternIndex = -1, uint32_t patternId = 0);

// Runs body; turns Failure and any other std::exception into a thrown EngineError.
// Napi::Error passes through.
template <typename Body>
Napi::Value guarded(Napi::Env env, Body&& body);

// The uniform argument-error wording: "Expected <what> for <name> but received <typeof value>".
Napi::Error argumentError(Napi::Env env, const char* what, const char* name, napi_value received);

}  // namespace cardveil

#include "failure.h"

template <typename Body>
Napi::Value cardveil::guarded(Napi::Env env, Body&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const Failure& failure) {
    throw engineError(env, failure.code(), failure.what());
  } catch (const std::bad_alloc&) {
    throw engineError(env, "ERR_SCAN", "Out of memory");
  } catch (const std::exception& error) {
    // Nothing else should escape the core; if it does, it is still a typed error, never a crash.
    throw engineError(env, "ERR_SCAN", std::string("Internal error: ") + error.what());
  }
}
