#include "js_errors.h"

#include "addon_data.h"

namespace cardveil {

Napi::Error engineError(Napi::Env env, const char* code, const std::string& message,
                        int64_t patternIndex, uint32_t patternId) {
  AddonData& data = addonData(env);
  if (data.errorClass.IsEmpty()) {
    // init() was not called: still a typed error, just not an EngineError instance.
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", Napi::String::New(env, code));
    return error;
  }
  Napi::Value pattern = env.Undefined();
  if (patternIndex >= 0) {
    Napi::Object info = Napi::Object::New(env);
    info.Set("index", Napi::Number::New(env, static_cast<double>(patternIndex)));
    info.Set("id", Napi::Number::New(env, patternId));
    pattern = info;
  }
  Napi::Object error =
      data.errorClass.New({Napi::String::New(env, code), Napi::String::New(env, message), pattern});
  return Napi::Error(env, error);
}

Napi::Error argumentError(Napi::Env env, const char* what, const char* name, napi_value received) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, received, &type);
  const char* typeName = "undefined";
  switch (type) {
    case napi_undefined: typeName = "undefined"; break;
    case napi_null: typeName = "null"; break;
    case napi_boolean: typeName = "boolean"; break;
    case napi_number: typeName = "number"; break;
    case napi_string: typeName = "string"; break;
    case napi_symbol: typeName = "symbol"; break;
    case napi_object: typeName = "object"; break;
    case napi_function: typeName = "function"; break;
    case napi_external: typeName = "external"; break;
    case napi_bigint: typeName = "bigint"; break;
  }
  return engineError(env, "ERR_INVALID_ARGUMENT",
                     std::string("Expected ") + what + " for " + name + " but received " + typeName);
}

}  // namespace cardveil
