// Helpers shared by card_windows_test and card_windows_bench: the range table file and the
// corpus, built exactly as native/test/card_windows_ref.ts builds them.
#pragma once

#include <algorithm>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../card_windows.h"

namespace cardveil_test {

// ranges.txt: "from to lengths" per line, lengths comma-separated with a-b spans; # comments.
inline std::vector<cardveil::IssuerRangeC> readRanges(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<cardveil::IssuerRangeC> ranges;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    cardveil::IssuerRangeC r{"", "", 0};
    std::string lengths;
    fields >> r.from >> r.to >> lengths;
    std::istringstream parts(lengths);
    std::string part;
    while (std::getline(parts, part, ',')) {
      const size_t dash = part.find('-');
      const int a = std::stoi(part.substr(0, dash));
      const int b = dash == std::string::npos ? a : std::stoi(part.substr(dash + 1));
      for (int n = a; n <= b; ++n) r.lengthMask |= uint32_t{1} << n;
    }
    ranges.push_back(r);
  }
  return ranges;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The dir's *.log files sorted by name and concatenated, repeated until at least minBytes.
inline std::string buildCorpus(const std::string& dir, size_t minBytes) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0) names.push_back(name);
    }
    closedir(d);
  }
  if (names.empty()) throw std::runtime_error("no .log files in " + dir);
  std::sort(names.begin(), names.end());
  std::string one;
  for (const auto& name : names) one += readFile(dir + "/" + name);
  const size_t copies = std::max<size_t>(1, (minBytes + one.size() - 1) / one.size());
  std::string corpus;
  corpus.reserve(one.size() * copies);
  for (size_t k = 0; k < copies; ++k) corpus += one;
  return corpus;
}

}  // namespace cardveil_test
