// Module entry: registers the wrapped classes (not exported: instances come only from compile()
// and deserialize()) and the functions lib/engine/native.ts calls. Arguments arrive validated and
// defaulted by TypeScript as plain positional values; here they are only type-checked.
#include <napi.h>

#include <hs/hs.h>

#include "addon_data.h"
#include "card_windows.h"
#include "database_wrap.h"
#include "evasion_hints.h"
#include "js_errors.h"
#include "live_count.h"
#include "pattern_set.h"
#include "scan_worker.h"
#include "stream_wrap.h"

namespace cardveil {

namespace {

// Hands over the EngineError class, so every error the addon throws is an EngineError.
Napi::Value init(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) throw argumentError(info.Env(), "a function", "errorClass", info[0]);
  addonData(info.Env()).errorClass = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

std::vector<std::string> stringArray(Napi::Env env, Napi::Value value, const char* name) {
  if (!value.IsArray()) throw argumentError(env, "an array of strings", name, value);
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> out(array.Length());
  for (uint32_t i = 0; i < out.size(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) throw argumentError(env, "a string", name, item);
    out[i] = item.As<Napi::String>().Utf8Value();
  }
  return out;
}

template <typename T>
std::vector<T> typedArray(Napi::Env env, Napi::Value value, napi_typedarray_type type, const char* what,
                          const char* name, size_t expected) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type ||
      value.As<Napi::TypedArray>().ElementLength() != expected) {
    throw argumentError(env, what, name, value);
  }
  auto array = value.As<Napi::TypedArrayOf<T>>();
  return std::vector<T>(array.Data(), array.Data() + expected);
}

// ext holds five doubles per pattern: minOffset, maxOffset, minLength, editDistance,
// hammingDistance; -1 means "not set".
hs_expr_ext_t toExt(const double* v) {
  static constexpr unsigned long long kFlags[5] = {HS_EXT_FLAG_MIN_OFFSET, HS_EXT_FLAG_MAX_OFFSET,
                                                   HS_EXT_FLAG_MIN_LENGTH, HS_EXT_FLAG_EDIT_DISTANCE,
                                                   HS_EXT_FLAG_HAMMING_DISTANCE};
  hs_expr_ext_t ext{};
  for (int k = 0; k < 5; k++) {
    if (v[k] < 0) continue;
    ext.flags |= kFlags[k];
    auto value = static_cast<unsigned long long>(v[k]);
    switch (k) {
      case 0: ext.min_offset = value; break;
      case 1: ext.max_offset = value; break;
      case 2: ext.min_length = value; break;
      case 3: ext.edit_distance = static_cast<unsigned>(value); break;
      case 4: ext.hamming_distance = static_cast<unsigned>(value); break;
    }
  }
  return ext;
}

// Inclusive code point ranges from a Uint32Array of [first, last] pairs laid end to end.
std::vector<CodePointRange> codePointRanges(Napi::Env env, Napi::Value value, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      value.As<Napi::TypedArray>().ElementLength() % 2 != 0) {
    throw argumentError(env, "a Uint32Array of [first, last] pairs", name, value);
  }
  auto array = value.As<Napi::Uint32Array>();
  std::vector<CodePointRange> ranges(array.ElementLength() / 2);
  for (size_t i = 0; i < ranges.size(); i++) ranges[i] = CodePointRange{array[2 * i], array[2 * i + 1]};
  return ranges;
}

// compile(expressions, flags: Uint32Array, ids: Uint32Array, ext: Float64Array(5n),
//         cardWindowId: number (-1: none), rangeFrom: string[], rangeTo: string[],
//         rangeLengthMasks: Uint32Array,
//         evasionHintId: number (-1: none), hintDigits: Uint32Array, hintInvisibles: Uint32Array)
Napi::Value compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PatternInput input;
  input.expressions = stringArray(env, info[0], "expressions");
  size_t n = input.expressions.size();
  input.flags = typedArray<uint32_t>(env, info[1], napi_uint32_array, "a Uint32Array of one entry per pattern", "flags", n);
  input.ids = typedArray<uint32_t>(env, info[2], napi_uint32_array, "a Uint32Array of one entry per pattern", "ids", n);
  std::vector<double> ext =
      typedArray<double>(env, info[3], napi_float64_array, "a Float64Array of five entries per pattern", "ext", n * 5);
  for (size_t i = 0; i < n; i++) input.ext.push_back(toExt(&ext[i * 5]));

  if (!info[4].IsNumber()) throw argumentError(env, "a number", "cardWindowId", info[4]);
  double cardWindowId = info[4].As<Napi::Number>().DoubleValue();
  std::unique_ptr<CardWindowFinder> cards;
  if (cardWindowId >= 0) {
    std::vector<std::string> from = stringArray(env, info[5], "rangeFrom");
    std::vector<std::string> to = stringArray(env, info[6], "rangeTo");
    std::vector<uint32_t> masks = typedArray<uint32_t>(env, info[7], napi_uint32_array,
                                                       "a Uint32Array of one entry per range", "rangeLengthMasks", from.size());
    if (to.size() != from.size()) throw argumentError(env, "one entry per range", "rangeTo", info[6]);
    std::vector<IssuerRangeC> ranges;
    for (size_t i = 0; i < from.size(); i++) ranges.push_back(IssuerRangeC{from[i], to[i], masks[i]});
    try {
      cards = std::make_unique<CardWindowFinder>(static_cast<uint32_t>(cardWindowId), std::move(ranges));
    } catch (const std::exception& error) {
      throw engineError(env, "ERR_INVALID_ARGUMENT", std::string("Invalid card-window configuration: ") + error.what());
    }
  }
  if (!info[8].IsNumber()) throw argumentError(env, "a number", "evasionHintId", info[8]);
  double evasionHintId = info[8].As<Napi::Number>().DoubleValue();
  std::unique_ptr<EvasionHintFinder> hints;
  if (evasionHintId >= 0) {
    std::vector<CodePointRange> digits = codePointRanges(env, info[9], "hintDigits");
    std::vector<CodePointRange> invisibles = codePointRanges(env, info[10], "hintInvisibles");
    try {
      hints = std::make_unique<EvasionHintFinder>(static_cast<uint32_t>(evasionHintId), std::move(digits),
                                                  std::move(invisibles));
    } catch (const std::exception& error) {
      throw engineError(env, "ERR_INVALID_ARGUMENT", std::string("Invalid evasion-hint configuration: ") + error.what());
    }
  }
  return guarded(env, [&]() -> Napi::Value {
    std::shared_ptr<const PatternSet> set;
    try {
      set = PatternSet::compile(input, std::move(cards), std::move(hints));
    } catch (const CompileFailure& failure) {
      // Name the pattern by index and caller id; -1 means the set as a whole failed.
      int64_t index = failure.index();
      bool named = index >= 0 && static_cast<size_t>(index) < n;
      throw engineError(env, failure.code(), failure.what(), named ? index : -1, named ? input.ids[index] : 0);
    }
    return DatabaseWrap::create(env, std::move(set));
  });
}

Napi::Value deserialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string unused;
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw argumentError(env, "a Buffer or Uint8Array", "bytes", info[0]);
  }
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  return guarded(env, [&]() -> Napi::Value {
    return DatabaseWrap::create(env, PatternSet::deserialize(bytes.Data(), bytes.ElementLength()));
  });
}

// Whether this CPU can run Hyperscan (it needs at least SSSE3).
Napi::Value validPlatform(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), hs_valid_platform() == HS_SUCCESS);
}

Napi::Value version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), hs_version()); }

// Live native objects in this process (all threads): the leak test checks they return to zero.
Napi::Value liveObjects(const Napi::CallbackInfo& info) {
  Napi::Object counts = Napi::Object::New(info.Env());
  counts.Set("patternSets", static_cast<double>(LiveCount<PatternSet>::live()));
  counts.Set("streams", static_cast<double>(LiveCount<StreamScanner>::live()));
  counts.Set("asyncScans", static_cast<double>(LiveCount<ScanWorker>::live()));
  return counts;
}

Napi::Object flagConstants(Napi::Env env) {
  Napi::Object flags = Napi::Object::New(env);
  flags.Set("CASELESS", HS_FLAG_CASELESS);
  flags.Set("DOTALL", HS_FLAG_DOTALL);
  flags.Set("MULTILINE", HS_FLAG_MULTILINE);
  flags.Set("SINGLEMATCH", HS_FLAG_SINGLEMATCH);
  flags.Set("UTF8", HS_FLAG_UTF8);
  flags.Set("UCP", HS_FLAG_UCP);
  flags.Set("SOM_LEFTMOST", HS_FLAG_SOM_LEFTMOST);
  flags.Freeze();
  return flags;
}

Napi::Object initModule(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);  // deleted by node-addon-api when the environment is torn down
  data->databaseClass = Napi::Persistent(DatabaseWrap::defineClass(env));
  data->streamClass = Napi::Persistent(StreamWrap::defineClass(env));
  exports.Set("init", Napi::Function::New<init>(env, "init"));
  exports.Set("compile", Napi::Function::New<compile>(env, "compile"));
  exports.Set("deserialize", Napi::Function::New<deserialize>(env, "deserialize"));
  exports.Set("validPlatform", Napi::Function::New<validPlatform>(env, "validPlatform"));
  exports.Set("version", Napi::Function::New<version>(env, "version"));
  exports.Set("liveObjects", Napi::Function::New<liveObjects>(env, "liveObjects"));
  exports.Set("flags", flagConstants(env));
  return exports;
}

}  // namespace

}  // namespace cardveil

static Napi::Object Init(Napi::Env env, Napi::Object exports) { return cardveil::initModule(env, exports); }

NODE_API_MODULE(cardveil, Init)
