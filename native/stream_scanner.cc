#include "stream_scanner.h"

#include <climits>

#include "failure.h"
#include "match_order.h"

namespace cardveil {

StreamScanner::StreamScanner(std::shared_ptr<const PatternSet> set) : set_(std::move(set)) {
  if (const hs_database_t* db = set_->streamDatabase()) {
    hs_stream_t* raw = nullptr;
    checkHs(hs_open_stream(db, 0, &raw), "hs_open_stream");
    stream_.reset(raw);
  }
  if (const CardWindowFinder* finder = set_->cardWindows()) cards_ = std::make_unique<CardWindowStream>(*finder);
  if (const EvasionHintFinder* finder = set_->evasionHints()) hints_ = std::make_unique<EvasionHintStream>(*finder);
}

void StreamScanner::write(const uint8_t* data, size_t length, std::vector<Match>& out) {
  size_t first = out.size();
  if (data == nullptr) data = kEmptyInput;
  try {
    if (stream_) {
      ScratchLease scratch(set_->pool());
      PatternSet::Recorder recorder{set_.get(), &out, false};
      for (size_t done = 0; done < length;) {
        size_t piece = std::min<size_t>(length - done, UINT_MAX);
        hs_error_t rc = hs_scan_stream(stream_.get(), reinterpret_cast<const char*>(data + done),
                                       static_cast<unsigned int>(piece), 0, scratch.get(),
                                       &PatternSet::onMatch, &recorder);
        if (recorder.outOfMemory) throw Failure("ERR_SCAN", "Out of memory while recording matches");
        checkHs(rc, "hs_scan_stream");
        done += piece;
      }
    }
    if (cards_) cards_->write(data, length, out);
    if (hints_) hints_->write(data, length, out);
  } catch (...) {
    // A stream that failed mid-chunk has lost its place: close it rather than continue from a
    // state nobody can reason about (the caller fails closed on the error).
    stream_.reset();
    cards_.reset();
    hints_.reset();
    closed_ = true;
    throw;
  }
  sortMatches(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

void StreamScanner::close(std::vector<Match>& out) {
  size_t first = out.size();
  closed_ = true;
  if (stream_) {
    ScratchLease scratch(set_->pool());
    PatternSet::Recorder recorder{set_.get(), &out, false};
    // hs_close_stream frees the stream whatever it returns, so release ownership first.
    hs_error_t rc = hs_close_stream(stream_.release(), scratch.get(), &PatternSet::onMatch, &recorder);
    if (recorder.outOfMemory) throw Failure("ERR_SCAN", "Out of memory while recording matches");
    checkHs(rc, "hs_close_stream");
  }
  if (cards_) {
    cards_->close(out);
    cards_.reset();
  }
  if (hints_) {
    hints_->close();  // a sequence still cut at the end is invalid bytes: nothing to report
    hints_.reset();
  }
  sortMatches(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

}  // namespace cardveil
