// The one exception type of the C++ core. It carries the EngineError code that JS will see, so
// the N-API layer converts it without interpreting it. Messages never contain scanned data.
#pragma once

#include <hs/hs.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace cardveil {

class Failure : public std::runtime_error {
 public:
  Failure(const char* code, const std::string& message) : std::runtime_error(message), code_(code) {}
  const char* code() const noexcept { return code_; }

 private:
  const char* code_;  // a string literal such as "ERR_SCAN"
};

// A pattern that Hyperscan refused. index is the position in the pattern list, or -1 when the
// set as a whole failed (for example "Pattern too large" across patterns).
class CompileFailure : public Failure {
 public:
  CompileFailure(const std::string& message, int64_t index)
      : Failure("ERR_PATTERN_COMPILE", message), index_(index) {}
  int64_t index() const noexcept { return index_; }

 private:
  int64_t index_;
};

// Throws ERR_SCAN naming the Hyperscan error when a runtime call did not succeed.
void checkHs(hs_error_t error, const char* what);

}  // namespace cardveil
