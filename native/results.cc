#include "results.h"

#include <cstring>

#include "addon_data.h"
#include "match_order.h"

namespace cardveil {

namespace {
double startValue(uint64_t start) { return start == kNoStart ? -1.0 : static_cast<double>(start); }

Napi::Float64Array emptyResult(Napi::Env env) {
  AddonData& data = addonData(env);
  if (data.emptyResult.IsEmpty()) data.emptyResult = Napi::Persistent(Napi::Float64Array::New(env, 0));
  return data.emptyResult.Value();
}
}  // namespace

Napi::Float64Array toTriples(Napi::Env env, const std::vector<Match>& matches) {
  if (matches.empty()) return emptyResult(env);
  Napi::Float64Array out = Napi::Float64Array::New(env, matches.size() * 3);
  double* p = out.Data();
  for (const Match& m : matches) {
    *p++ = m.id;
    *p++ = startValue(m.start);
    *p++ = static_cast<double>(m.end);
  }
  return out;
}

Napi::Float64Array toFloat64Array(Napi::Env env, const std::vector<double>& values) {
  if (values.empty()) return emptyResult(env);
  Napi::Float64Array out = Napi::Float64Array::New(env, values.size());
  if (!values.empty()) std::memcpy(out.Data(), values.data(), values.size() * sizeof(double));
  return out;
}

void appendQuads(std::vector<double>& out, double record, const std::vector<Match>& matches) {
  for (const Match& m : matches) {
    out.push_back(record);
    out.push_back(m.id);
    out.push_back(startValue(m.start));
    out.push_back(static_cast<double>(m.end));
  }
}

}  // namespace cardveil
