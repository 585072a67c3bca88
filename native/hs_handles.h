// RAII owners for every Hyperscan handle, so no code path can leak or double-free one.
// Each deleter is the single place its handle is released.
#pragma once

#include <hs/hs.h>

#include <memory>

namespace cardveil {

struct HsDatabaseDeleter {
  void operator()(hs_database_t* db) const noexcept { hs_free_database(db); }
};
struct HsScratchDeleter {
  void operator()(hs_scratch_t* scratch) const noexcept { hs_free_scratch(scratch); }
};
// An abandoned stream must still be closed: a NULL scratch and callback release it without
// reporting its end-of-data matches (nobody is left to receive them).
struct HsStreamDeleter {
  void operator()(hs_stream_t* stream) const noexcept { hs_close_stream(stream, nullptr, nullptr, nullptr); }
};
struct HsCompileErrorDeleter {
  void operator()(hs_compile_error_t* error) const noexcept { hs_free_compile_error(error); }
};

using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;
using HsScratch = std::unique_ptr<hs_scratch_t, HsScratchDeleter>;
using HsStream = std::unique_ptr<hs_stream_t, HsStreamDeleter>;
using HsCompileError = std::unique_ptr<hs_compile_error_t, HsCompileErrorDeleter>;

// The HS_* name of a Hyperscan error code, for messages ("HS_NOMEM"), never a C++ symbol.
const char* hsErrorName(hs_error_t error) noexcept;

}  // namespace cardveil
