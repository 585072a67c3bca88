// What does a change to the trigger patterns cost the Hyperscan scan? Compiles each pattern list
// given into a block-mode database and scans the same corpus with all of them, interleaved pass by
// pass (so load on a shared machine hits every list alike), timed in process CPU time.
//   pattern_cost <corpus file> <patterns.txt> [<patterns.txt> ...]
// A list is what pattern_lists.ts writes: "id<TAB>flags<TAB>expression" per line, flags a string of
// letters (i caseless, s dotall, m multiline, 1 singlematch, l leftmost start, u utf8+ucp).
// Prints the median and best scan time per list and its match count; "same" when its matches
// (id, end) equal the first list's.
//
// Why it exists: Hyperscan picks its literal matcher by the whole set. The built-in triggers sit
// near a cliff: on loghub one more small group of short literals (e.g. caseless `f0?52`, or seven
// expiry words) took the database scan from ~3.5 to ~7 ms per 22.7 MB, twice the cost, while
// other additions of the same size cost nothing. Measure every trigger change with this.
#include <hs/hs.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Pattern {
  unsigned id;
  unsigned flags;
  std::string expression;
};

double cpuMs() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

unsigned flagsOf(const std::string& letters) {
  unsigned f = 0;
  for (char c : letters) {
    switch (c) {
      case 'i': f |= HS_FLAG_CASELESS; break;
      case 's': f |= HS_FLAG_DOTALL; break;
      case 'm': f |= HS_FLAG_MULTILINE; break;
      case '1': f |= HS_FLAG_SINGLEMATCH; break;
      case 'l': f |= HS_FLAG_SOM_LEFTMOST; break;
      case 'u': f |= HS_FLAG_UTF8 | HS_FLAG_UCP; break;
      case '-': break;
      default: throw std::runtime_error(std::string("unknown flag letter ") + c);
    }
  }
  return f;
}

std::vector<Pattern> readList(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::vector<Pattern> list;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string id, flags, expression;
    std::getline(fields, id, '\t');
    std::getline(fields, flags, '\t');
    std::getline(fields, expression);
    list.push_back(Pattern{static_cast<unsigned>(std::stoul(id)), flagsOf(flags), expression});
  }
  return list;
}

hs_database_t* compileList(const std::vector<Pattern>& list, const char* path) {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags, ids;
  for (const Pattern& p : list) {
    expressions.push_back(p.expression.c_str());
    flags.push_back(p.flags);
    ids.push_back(p.id);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(list.size()), HS_MODE_BLOCK,
                       nullptr, &db, &error) != HS_SUCCESS) {
    const std::string message = error ? error->message : "unknown error";
    hs_free_compile_error(error);
    throw std::runtime_error(std::string(path) + ": " + message);
  }
  return db;
}

int record(unsigned id, unsigned long long, unsigned long long to, unsigned, void* context) {
  auto* out = static_cast<std::vector<unsigned long long>*>(context);
  out->push_back(id);
  out->push_back(to);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <corpus file> <patterns.txt> [<patterns.txt> ...]\n", argv[0]);
    return 2;
  }
  try {
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot read ") + argv[1]);
    const std::vector<char> corpus{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const size_t lists = static_cast<size_t>(argc - 2);
    std::vector<hs_database_t*> dbs;
    hs_scratch_t* scratch = nullptr;
    for (size_t k = 0; k < lists; ++k) {
      dbs.push_back(compileList(readList(argv[k + 2]), argv[k + 2]));
      if (hs_alloc_scratch(dbs.back(), &scratch) != HS_SUCCESS) throw std::runtime_error("hs_alloc_scratch failed");
    }
    constexpr int kPasses = 21;
    std::vector<std::vector<double>> times(lists);
    std::vector<std::vector<unsigned long long>> matches(lists);
    for (int pass = 0; pass <= kPasses; ++pass) {  // pass 0 warms up
      for (size_t k = 0; k < lists; ++k) {
        matches[k].clear();
        const double start = cpuMs();
        if (hs_scan(dbs[k], corpus.data(), static_cast<unsigned>(corpus.size()), 0, scratch, record, &matches[k]) != HS_SUCCESS) {
          throw std::runtime_error("hs_scan failed");
        }
        if (pass > 0) times[k].push_back(cpuMs() - start);
      }
    }
    const double mb = static_cast<double>(corpus.size()) / 1e6;
    for (size_t k = 0; k < lists; ++k) {
      std::sort(times[k].begin(), times[k].end());
      const double median = times[k][times[k].size() / 2];
      std::printf("%-40s median %6.2f ms (%5.0f MB/s)  best %6.2f ms  matches %zu%s\n", argv[k + 2], median, mb / median * 1e3,
                  times[k].front(), matches[k].size() / 2, matches[k] == matches[0] ? " (same)" : "");
      hs_free_database(dbs[k]);
    }
    hs_free_scratch(scratch);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
