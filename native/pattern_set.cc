#include "pattern_set.h"

#include <climits>
#include <cstring>

#include "failure.h"
#include "match_order.h"

namespace cardveil {

namespace {

// Blob layout (little-endian): "CVHS", format version, FNV-1a 64 checksum of everything after it,
// pattern count, {caller id u32, som u8} per pattern, card-window config (u8 present, u64 length,
// bytes), evasion-hint config (likewise), block database (u64 length, bytes), stream database
// (u64 length, bytes). Version 2 added the evasion-hint section; version 1 blobs are refused.
constexpr char kMagic[4] = {'C', 'V', 'H', 'S'};
constexpr uint32_t kFormatVersion = 2;
constexpr size_t kHeaderSize = 4 + 4 + 8;

uint64_t fnv1a(const uint8_t* data, size_t length) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < length; i++) {
    hash ^= data[i];
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void putU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; i++) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void putU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; i++) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Bounds-checked reader: every read past the end is ERR_DESERIALIZE, never an overread.
class Reader {
 public:
  Reader(const uint8_t* data, size_t length) : data_(data), length_(length) {}
  uint8_t u8() { return *take(1); }
  uint32_t u32() {
    const uint8_t* p = take(4);
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = (v << 8) | p[i];
    return v;
  }
  uint64_t u64() {
    const uint8_t* p = take(8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
  }
  const uint8_t* bytes(uint64_t n) {
    if (n > length_ - offset_) bad("a section is longer than the data");
    return take(static_cast<size_t>(n));
  }
  bool atEnd() const { return offset_ == length_; }
  [[noreturn]] static void bad(const std::string& why) {
    throw Failure("ERR_DESERIALIZE", "Not a serialized cardveil Hyperscan database: " + why);
  }

 private:
  const uint8_t* take(size_t n) {
    if (n > length_ - offset_) bad("it ends early");
    const uint8_t* p = data_ + offset_;
    offset_ += n;
    return p;
  }
  const uint8_t* data_;
  size_t length_;
  size_t offset_ = 0;
};

HsDatabase compileMode(const PatternInput& input, unsigned int mode) {
  size_t n = input.expressions.size();
  std::vector<const char*> expressions(n);
  std::vector<unsigned int> indexes(n);
  std::vector<const hs_expr_ext_t*> ext(n);
  for (size_t i = 0; i < n; i++) {
    expressions[i] = input.expressions[i].c_str();
    indexes[i] = static_cast<unsigned int>(i);
    ext[i] = input.ext[i].flags == 0 ? nullptr : &input.ext[i];
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* rawError = nullptr;
  hs_error_t rc = hs_compile_ext_multi(expressions.data(), input.flags.data(), indexes.data(),
                                       ext.data(), static_cast<unsigned int>(n), mode, nullptr, &db,
                                       &rawError);
  if (rc == HS_SUCCESS) return HsDatabase(db);
  if (rc != HS_COMPILER_ERROR || rawError == nullptr) {
    throw Failure("ERR_PATTERN_COMPILE", std::string("hs_compile_ext_multi failed: ") + hsErrorName(rc));
  }
  // Copy what we need before the error is freed (by the guard, on every path).
  HsCompileError error(rawError);
  std::string message = error->message ? error->message : "unknown compile error";
  int64_t index = error->expression;
  if (mode & HS_MODE_STREAM) message += " (in streaming mode)";
  throw CompileFailure(message, index);
}

}  // namespace

const uint8_t kEmptyInput[1] = {0};

void checkBlockLength(size_t length) {
  if (length > UINT_MAX) {
    throw Failure("ERR_INPUT_TOO_LARGE",
                  "Block-mode input is " + std::to_string(length) +
                      " bytes; the limit is 4294967295 (use a stream for larger inputs)");
  }
}

std::shared_ptr<const PatternSet> PatternSet::compile(const PatternInput& input,
                                                      std::unique_ptr<CardWindowFinder> cards,
                                                      std::unique_ptr<EvasionHintFinder> hints) {
  std::shared_ptr<PatternSet> set(new PatternSet());
  size_t n = input.expressions.size();
  set->userIds_ = input.ids;
  set->som_.resize(n);
  bool anySom = false;
  for (size_t i = 0; i < n; i++) {
    set->som_[i] = (input.flags[i] & HS_FLAG_SOM_LEFTMOST) ? 1 : 0;
    anySom = anySom || set->som_[i];
  }
  if (n > 0) {
    set->block_ = compileMode(input, HS_MODE_BLOCK);
    // Streams need a start-of-match horizon when any pattern reports starts; LARGE keeps starts
    // exact however far back they lie.
    set->stream_ = compileMode(input, HS_MODE_STREAM | (anySom ? HS_MODE_SOM_HORIZON_LARGE : 0));
  }
  set->cards_ = std::move(cards);
  set->hints_ = std::move(hints);
  set->allocateScratch();
  return set;
}

void PatternSet::allocateScratch() {
  hs_scratch_t* scratch = nullptr;
  // One scratch can serve several databases: allocating it for the second one grows it.
  if (block_) checkHs(hs_alloc_scratch(block_.get(), &scratch), "hs_alloc_scratch");
  HsScratch owned(scratch);
  if (stream_) {
    checkHs(hs_alloc_scratch(stream_.get(), &scratch), "hs_alloc_scratch");
    owned.release();
    owned.reset(scratch);
  }
  memoryBytes_ = 0;
  size_t size = 0;
  for (const HsDatabase* db : {&block_, &stream_}) {
    if (*db && hs_database_size(db->get(), &size) == HS_SUCCESS) memoryBytes_ += size;
  }
  if (owned && hs_scratch_size(owned.get(), &size) == HS_SUCCESS) memoryBytes_ += size;
  pool_ = std::make_unique<ScratchPool>(std::move(owned));
}

std::string PatternSet::serialize() const {
  std::string out(kMagic, 4);
  putU32(out, kFormatVersion);
  putU64(out, 0);  // checksum, filled in last
  putU32(out, patternCount());
  for (size_t i = 0; i < userIds_.size(); i++) {
    putU32(out, userIds_[i]);
    out.push_back(static_cast<char>(som_[i]));
  }
  out.push_back(cards_ ? 1 : 0);
  if (cards_) {
    std::string config = cards_->serialize();
    putU64(out, config.size());
    out += config;
  }
  out.push_back(hints_ ? 1 : 0);
  if (hints_) {
    std::string config = hints_->serialize();
    putU64(out, config.size());
    out += config;
  }
  for (const HsDatabase* db : {&block_, &stream_}) {
    if (!*db) {
      putU64(out, 0);
      continue;
    }
    char* bytes = nullptr;
    size_t length = 0;
    checkHs(hs_serialize_database(db->get(), &bytes, &length), "hs_serialize_database");
    std::unique_ptr<char, decltype(&free)> guard(bytes, &free);
    putU64(out, length);
    out.append(bytes, length);
  }
  uint64_t sum = fnv1a(reinterpret_cast<const uint8_t*>(out.data()) + kHeaderSize, out.size() - kHeaderSize);
  for (int i = 0; i < 8; i++) out[8 + i] = static_cast<char>((sum >> (8 * i)) & 0xff);
  return out;
}

std::shared_ptr<const PatternSet> PatternSet::deserialize(const uint8_t* bytes, size_t length) {
  Reader reader(bytes, length);
  const uint8_t* magic = reader.bytes(4);
  if (std::memcmp(magic, kMagic, 4) != 0) Reader::bad("wrong magic bytes");
  uint32_t version = reader.u32();
  if (version != kFormatVersion) {
    Reader::bad("format version " + std::to_string(version) + ", expected " + std::to_string(kFormatVersion));
  }
  uint64_t sum = reader.u64();
  if (sum != fnv1a(bytes + kHeaderSize, length - kHeaderSize)) Reader::bad("checksum mismatch");

  std::shared_ptr<PatternSet> set(new PatternSet());
  uint32_t count = reader.u32();
  if (count > (length - kHeaderSize) / 5) Reader::bad("pattern count exceeds the data");
  set->userIds_.resize(count);
  set->som_.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    set->userIds_[i] = reader.u32();
    set->som_[i] = reader.u8() ? 1 : 0;
  }
  if (reader.u8()) {
    uint64_t configLength = reader.u64();
    const uint8_t* config = reader.bytes(configLength);
    try {
      set->cards_ = CardWindowFinder::deserialize(config, static_cast<size_t>(configLength));
    } catch (const std::exception&) {
      Reader::bad("invalid card-window configuration");
    }
    if (!set->cards_) Reader::bad("invalid card-window configuration");
  }
  if (reader.u8()) {
    uint64_t configLength = reader.u64();
    const uint8_t* config = reader.bytes(configLength);
    set->hints_ = EvasionHintFinder::deserialize(config, static_cast<size_t>(configLength));
    if (!set->hints_) Reader::bad("invalid evasion-hint configuration");
  }
  for (HsDatabase* db : {&set->block_, &set->stream_}) {
    uint64_t dbLength = reader.u64();
    if ((dbLength == 0) != (count == 0)) Reader::bad("database sections do not match the pattern count");
    if (dbLength == 0) continue;
    const uint8_t* dbBytes = reader.bytes(dbLength);
    hs_database_t* raw = nullptr;
    hs_error_t rc = hs_deserialize_database(reinterpret_cast<const char*>(dbBytes), static_cast<size_t>(dbLength), &raw);
    if (rc == HS_DB_VERSION_ERROR || rc == HS_DB_PLATFORM_ERROR) {
      throw Failure("ERR_DESERIALIZE", std::string("The serialized Hyperscan database was built for another ") +
                                           (rc == HS_DB_VERSION_ERROR ? "Hyperscan version" : "CPU platform") +
                                           " (" + hsErrorName(rc) + "): compile it again on this machine");
    }
    if (rc != HS_SUCCESS) Reader::bad(std::string("hs_deserialize_database failed: ") + hsErrorName(rc));
    db->reset(raw);
  }
  if (!reader.atEnd()) Reader::bad("trailing bytes");
  set->allocateScratch();
  return set;
}

int PatternSet::onMatch(unsigned int index, unsigned long long from, unsigned long long to,
                        unsigned int /*flags*/, void* context) noexcept {
  auto* recorder = static_cast<Recorder*>(context);
  const PatternSet* set = recorder->set;
  try {
    recorder->out->push_back(Match{set->userIds_[index], set->som_[index] ? from : kNoStart, to});
  } catch (...) {
    // No C++ exception may cross Hyperscan's C frames: stop the scan and report after it.
    recorder->outOfMemory = true;
    return 1;
  }
  return 0;
}

void PatternSet::scan(const uint8_t* data, size_t length, hs_scratch_t* scratch,
                      std::vector<Match>& out) const {
  checkBlockLength(length);
  if (data == nullptr) data = kEmptyInput;  // an empty view may have no buffer; Hyperscan wants one
  size_t first = out.size();
  if (block_) {
    Recorder recorder{this, &out, false};
    hs_error_t rc = hs_scan(block_.get(), reinterpret_cast<const char*>(data), static_cast<unsigned int>(length),
                            0, scratch, &PatternSet::onMatch, &recorder);
    if (recorder.outOfMemory) throw Failure("ERR_SCAN", "Out of memory while recording matches");
    checkHs(rc, "hs_scan");
  }
  if (cards_) cards_->find(data, length, out);
  if (hints_) hints_->find(data, length, out);
  sortMatches(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

}  // namespace cardveil
