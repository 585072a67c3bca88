#include "input.h"

#include "js_errors.h"

namespace cardveil {

namespace {

// Above this, ask V8 for the exact UTF-8 length first instead of reserving 3 bytes per unit.
constexpr size_t kExactSizeThreshold = size_t{16} << 20;

InputView readString(Napi::Env env, napi_value value, std::string& utf8) {
  size_t units = 0;
  NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf16(env, value, nullptr, 0, &units), InputView{});
  size_t capacity = units * 3;  // a UTF-16 unit never needs more than 3 UTF-8 bytes
  if (capacity > kExactSizeThreshold) {
    NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf8(env, value, nullptr, 0, &capacity), InputView{});
  }
  if (utf8.size() < capacity + 1) utf8.resize(capacity + 1);
  size_t written = 0;
  NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf8(env, value, utf8.data(), capacity + 1, &written),
                       InputView{});
  return InputView{reinterpret_cast<const uint8_t*>(utf8.data()), written, written != units};
}

}  // namespace

InputView readInput(Napi::Env env, napi_value value, std::string& utf8, InputKinds kinds, const char* name) {
  bool isTypedArray = false;
  napi_is_typedarray(env, value, &isTypedArray);
  if (isTypedArray) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr),
                         InputView{});
    if (type == napi_uint8_array) {
      // napi_get_typedarray_info already points at the view's first byte (byteOffset applied).
      return InputView{static_cast<const uint8_t*>(data), length, false};
    }
  }
  if (kinds == InputKinds::BytesOrString) {
    napi_valuetype type;
    napi_typeof(env, value, &type);
    if (type == napi_string) return readString(env, value, utf8);
    throw argumentError(env, "a string, Buffer or Uint8Array", name, value);
  }
  throw argumentError(env, "a Buffer or Uint8Array", name, value);
}

}  // namespace cardveil
