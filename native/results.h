// Results cross into JS once per call, as one Float64Array (offsets can exceed 2^32 in streams;
// doubles hold them exactly up to 2^53).
#pragma once

#include <napi.h>

#include <vector>

#include "match.h"

namespace cardveil {

// [id, start, end] per match; an unknown start becomes -1. No matches: one shared empty array.
Napi::Float64Array toTriples(Napi::Env env, const std::vector<Match>& matches);
// Copies an already flattened array of doubles.
Napi::Float64Array toFloat64Array(Napi::Env env, const std::vector<double>& values);
// Appends [record, id, start, end] per match.
void appendQuads(std::vector<double>& out, double record, const std::vector<Match>& matches);

}  // namespace cardveil
