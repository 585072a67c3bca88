// StreamScanner: one Hyperscan stream plus the card-window and evasion-hint streams beside it,
// independent of Node.
// It keeps its PatternSet alive (shared_ptr) because an hs_stream_t refers to its database.
// Thread rules: one thread at a time (the JS thread that owns the stream object).
#pragma once

#include <memory>
#include <vector>

#include "card_windows.h"
#include "evasion_hints.h"
#include "hs_handles.h"
#include "live_count.h"
#include "match.h"
#include "pattern_set.h"

namespace cardveil {

class StreamScanner {
 public:
  explicit StreamScanner(std::shared_ptr<const PatternSet> set);

  // Scans the next chunk (any length: chunks of 4 GiB or more are split, since Hyperscan lengths
  // are 32-bit). Appends matches that became certain, offsets absolute over the stream.
  void write(const uint8_t* data, size_t length, std::vector<Match>& out);
  // Ends the stream, appending matches only the end of data confirms (`\b`, `$`). After close,
  // and after a failed write, the stream is closed for good (its handle already released).
  void close(std::vector<Match>& out);
  bool closed() const noexcept { return closed_; }

 private:
  std::shared_ptr<const PatternSet> set_;
  HsStream stream_;  // null when the set has no patterns
  std::unique_ptr<CardWindowStream> cards_;
  std::unique_ptr<EvasionHintStream> hints_;
  bool closed_ = false;
  LiveCount<StreamScanner> live_;
};

}  // namespace cardveil
