// The C++ ceiling: the same serialized database, the same input bytes, the same scan code the
// addon runs (cardveil::PatternSet / StreamScanner from native/), with no Node in between.
// The bench compares Node's numbers with these to show what the N-API boundary costs.
//
//   harness DB_FILE CORPUS_FILE block  [MIN_MS]
//   harness DB_FILE CORPUS_FILE batch  ENDS_FILE [MIN_MS]   ENDS_FILE: uint32 LE record end offsets
//   harness DB_FILE CORPUS_FILE stream CHUNK_BYTES [MIN_MS]
//
// Prints one JSON object: {"mode","bytes","records","iterations","p50_ms","min_ms","mb_per_s","matches"}.
// Timing: one warm-up pass, then passes until MIN_MS (default 1000) have elapsed and at least 5
// passes ran; throughput comes from the median pass, like the Node side. CARDVEIL_HARNESS_CLOCK=cpu
// times with the process CPU clock instead of the wall clock (what the bench gate uses, so that
// other processes on a busy machine do not inflate the numbers).

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "failure.h"
#include "match.h"
#include "pattern_set.h"
#include "scratch_pool.h"
#include "stream_scanner.h"

namespace {

std::vector<uint8_t> readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot open ") + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Timing {
  size_t iterations = 0;
  double p50Ms = 0;
  double minMs = 0;
};

// Milliseconds on the chosen clock: steady wall clock, or this process's CPU time.
double nowMs(bool cpu) {
  if (cpu) {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Runs `pass` once to warm caches and the scratch, then until minMs elapsed and >= 5 passes.
Timing time(const std::function<void()>& pass, double minMs, bool cpu) {
  pass();
  std::vector<double> samples;
  double total = 0;
  while ((total < minMs || samples.size() < 5) && samples.size() < 10000) {
    double t0 = nowMs(cpu);
    pass();
    double ms = nowMs(cpu) - t0;
    samples.push_back(ms);
    total += ms;
  }
  std::sort(samples.begin(), samples.end());
  Timing t;
  t.iterations = samples.size();
  t.p50Ms = samples[samples.size() / 2];
  t.minMs = samples.front();
  return t;
}

int usage() {
  std::fprintf(stderr,
               "usage: harness DB CORPUS block [MIN_MS]\n"
               "       harness DB CORPUS batch ENDS [MIN_MS]\n"
               "       harness DB CORPUS stream CHUNK_BYTES [MIN_MS]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return usage();
  const std::string mode = argv[3];
  if (mode != "block" && mode != "batch" && mode != "stream") return usage();
  try {
    std::vector<uint8_t> blob = readFile(argv[1]);
    std::vector<uint8_t> data = readFile(argv[2]);
    auto set = cardveil::PatternSet::deserialize(blob.data(), blob.size());
    // One scratch for the whole run, leased once: the addon's steady state allocates nothing per
    // scan either.
    cardveil::ScratchLease lease(set->pool());
    std::vector<cardveil::Match> out;
    out.reserve(1 << 20);
    size_t records = 1;
    double minMs = 1000;
    // Declared here, not in the mode branches: the pass lambdas capture them by reference.
    std::vector<uint32_t> ends;
    size_t chunk = 0;
    std::function<void()> pass;

    if (mode == "block") {
      if (argc > 4) minMs = std::atof(argv[4]);
      pass = [&] {
        out.clear();
        set->scan(data.data(), data.size(), lease.get(), out);
      };
    } else if (mode == "batch") {
      if (argc < 5) return usage();
      std::vector<uint8_t> endBytes = readFile(argv[4]);
      ends.resize(endBytes.size() / 4);
      std::memcpy(ends.data(), endBytes.data(), ends.size() * 4);  // little-endian host (x86-64)
      if (ends.empty() || ends.back() > data.size()) throw std::runtime_error("bad ENDS file");
      if (argc > 5) minMs = std::atof(argv[5]);
      records = ends.size();
      pass = [&] {
        out.clear();
        uint32_t from = 0;
        for (uint32_t end : ends) {
          set->scan(data.data() + from, end - from, lease.get(), out);
          from = end;
        }
      };
    } else {  // stream
      if (argc < 5) return usage();
      chunk = static_cast<size_t>(std::strtoull(argv[4], nullptr, 10));
      if (chunk == 0) return usage();
      if (argc > 5) minMs = std::atof(argv[5]);
      records = (data.size() + chunk - 1) / chunk;
      pass = [&] {
        out.clear();
        cardveil::StreamScanner stream(set);
        for (size_t at = 0; at < data.size(); at += chunk) {
          stream.write(data.data() + at, std::min(chunk, data.size() - at), out);
        }
        stream.close(out);
      };
    }

    const char* clock = std::getenv("CARDVEIL_HARNESS_CLOCK");
    Timing t = time(pass, minMs, clock != nullptr && std::strcmp(clock, "cpu") == 0);
    std::printf(
        "{\"mode\":\"%s\",\"bytes\":%zu,\"records\":%zu,\"iterations\":%zu,\"p50_ms\":%.6f,"
        "\"min_ms\":%.6f,\"mb_per_s\":%.3f,\"matches\":%zu}\n",
        mode.c_str(), data.size(), records, t.iterations, t.p50Ms, t.minMs,
        static_cast<double>(data.size()) / 1e6 / (t.p50Ms / 1e3), out.size());
    return 0;
  } catch (const cardveil::Failure& f) {
    std::fprintf(stderr, "harness: %s: %s\n", f.code(), f.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "harness: %s\n", e.what());
  }
  return 1;
}
