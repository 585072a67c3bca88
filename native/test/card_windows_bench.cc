// Throughput of the card-window pass on real logs, one core, data in RAM.
//   card_windows_bench <ranges.txt> <loghub dir> [MB]
// Builds the corpus as card_windows_ref.ts does (the *.log files sorted by name, concatenated,
// repeated to >= MB megabytes), then times, on that same buffer in the same run:
//   - a plain byte-sum loop (what reading the memory costs, for scale);
//   - block mode (one find() over the whole buffer);
//   - streaming mode (64 KB writes, then close).
// Prints the median of several repetitions and the window count, which must equal the count
// card_windows_ref.ts prints for the same corpus (make bench runs both).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "../card_windows.h"
#include "test_support.h"

namespace {

constexpr int kRepetitions = 9;
constexpr size_t kChunk = 64 * 1024;

double cpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Median wall time and median CPU time of the process. On a shared, loaded machine the wall
// time counts the time other processes held the core; the CPU time does not.
struct Timing {
  double wall, cpu;
};

template <class F>
Timing median(F&& run) {
  std::vector<double> walls, cpus;
  for (int k = 0; k < kRepetitions; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpuSeconds();
    run();
    cpus.push_back(cpuSeconds() - c0);
    walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(walls.begin(), walls.end());
  std::sort(cpus.begin(), cpus.end());
  return Timing{walls[walls.size() / 2], cpus[cpus.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <ranges.txt> <loghub dir> [MB]\n", argv[0]);
    return 2;
  }
  try {
    const size_t megabytes = argc > 3 ? std::stoul(argv[3]) : 20;
    const cardveil::CardWindowFinder finder(7, cardveil_test::readRanges(argv[1]));
    const std::string corpus = cardveil_test::buildCorpus(argv[2], megabytes * 1000000);
    const auto* data = reinterpret_cast<const uint8_t*>(corpus.data());
    const double mb = static_cast<double>(corpus.size()) / 1e6;

    uint64_t sum = 0;
    const Timing tRead = median([&] {
      uint64_t s = 0;
      for (size_t i = 0; i < corpus.size(); ++i) s += data[i];
      sum += s;
    });

    std::vector<cardveil::Match> blockOut;
    blockOut.reserve(4096);
    const Timing tBlock = median([&] {
      blockOut.clear();
      finder.find(data, corpus.size(), blockOut);
    });

    std::vector<cardveil::Match> streamOut;
    streamOut.reserve(4096);
    const Timing tStream = median([&] {
      streamOut.clear();
      cardveil::CardWindowStream stream(finder);
      for (size_t at = 0; at < corpus.size(); at += kChunk) {
        stream.write(data + at, std::min(kChunk, corpus.size() - at), streamOut);
      }
      stream.close(streamOut);
    });

    bool same = blockOut.size() == streamOut.size();
    for (size_t k = 0; same && k < blockOut.size(); ++k) {
      same = blockOut[k].start == streamOut[k].start && blockOut[k].end == streamOut[k].end;
    }
    std::printf("corpus %zu bytes (%.1f MB), median of %d runs, checksum %llu\n", corpus.size(), mb,
                kRepetitions, static_cast<unsigned long long>(sum % 1000));
    std::printf("                     wall MB/s   CPU MB/s\n");
    std::printf("byte-sum loop        %9.0f  %9.0f\n", mb / tRead.wall, mb / tRead.cpu);
    std::printf("block find           %9.0f  %9.0f  windows %zu\n", mb / tBlock.wall, mb / tBlock.cpu,
                blockOut.size());
    std::printf("stream 64 KB writes  %9.0f  %9.0f  windows %zu (%s block mode)\n", mb / tStream.wall,
                mb / tStream.cpu, streamOut.size(), same ? "same as" : "DIFFERENT FROM");
    return same ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
