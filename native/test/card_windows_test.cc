// Standalone tests for the card-window pass (no Node needed). Modes:
//   card_windows_test <ranges.txt>                         hand cases, serialization, stream = block
//   card_windows_test <ranges.txt> gen <count> <seed> <out.hex>    random inputs, one hex per line
//   card_windows_test <ranges.txt> hexfiles <out.hex> <file>...    whole files, one hex per line
//   card_windows_test <ranges.txt> hand-hex <out.hex> <out-ranges.txt>  the hand cases and ranges
//   card_windows_test <ranges.txt> diff <in.hex> <ref.jsonl> [seed]
//     compares block mode and streaming (every byte split, random chunkings) with the output of
//     card_windows_ref.ts (the TypeScript reference) on the same inputs, window for window.
// Exit status 0 only when every check passed. Test card numbers are public test PANs or random
// numbers generated inside issuer ranges with a Luhn check digit.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../card_windows.h"
#include "test_support.h"

using cardveil::CardWindowFinder;
using cardveil::CardWindowStream;
using cardveil::IssuerRangeC;
using cardveil::Match;

namespace {

constexpr uint32_t kId = 7;
int passed = 0;
int failed = 0;

using Spans = std::vector<std::pair<uint64_t, uint64_t>>;

std::string describe(const Spans& s) {
  std::string out = "[";
  for (const auto& [a, b] : s) out += "(" + std::to_string(a) + "," + std::to_string(b) + ")";
  return out + "]";
}

std::string hexOf(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string h;
  for (unsigned char c : s) {
    h.push_back(digits[c >> 4]);
    h.push_back(digits[c & 15]);
  }
  return h;
}

std::string unhex(const std::string& h) {
  std::string s;
  for (size_t i = 0; i + 1 < h.size(); i += 2) s.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return s;
}

void check(bool ok, const std::string& what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
}

Spans toSpans(const std::vector<Match>& ms, bool* idsOk = nullptr) {
  Spans s;
  for (const Match& m : ms) {
    s.emplace_back(m.start, m.end);
    if (idsOk != nullptr && m.id != kId) *idsOk = false;
  }
  return s;
}

Spans blockSpans(const CardWindowFinder& f, const std::string& in) {
  std::vector<Match> out;
  f.find(reinterpret_cast<const uint8_t*>(in.data()), in.size(), out);
  bool idsOk = true;
  Spans s = toSpans(out, &idsOk);
  check(idsOk, "block mode reports the finder's id");
  return s;
}

// Streams `in` cut at `cuts` (ascending). Also checks the streaming promise: after each write,
// exactly the expected windows whose end lies before the written length (the byte after their
// last digit has been seen) have been reported.
Spans streamSpans(const CardWindowFinder& f, const std::string& in, const std::vector<size_t>& cuts,
                  const Spans& expected, const std::string& label) {
  CardWindowStream stream(f);
  std::vector<Match> out;
  size_t from = 0;
  bool promptOk = true;
  auto writeUpTo = [&](size_t to) {
    stream.write(reinterpret_cast<const uint8_t*>(in.data()) + from, to - from, out);
    from = to;
    size_t due = 0;
    for (const auto& span : expected) due += span.second < to ? 1 : 0;
    if (out.size() != due) promptOk = false;
  };
  for (size_t cut : cuts) writeUpTo(cut);
  writeUpTo(in.size());
  stream.close(out);
  check(promptOk, label + ": each write reports exactly the windows its data confirms");
  return toSpans(out);
}

// ---- Hand cases ---------------------------------------------------------------------------------

std::vector<IssuerRangeC> handRanges() {
  auto mask = [](std::initializer_list<int> ns) {
    uint32_t m = 0;
    for (int n : ns) m |= uint32_t{1} << n;
    return m;
  };
  return {
      {"4", "4", mask({13, 16, 19})}, {"51", "55", mask({16})},  {"34", "34", mask({15})},
      {"37", "37", mask({15})},       {"300", "305", mask({14})}, {"36", "36", mask({14})},
  };
}

struct HandCase {
  const char* name;
  std::string input;
  Spans expected;
};

std::vector<HandCase> handCaseList() {
  const std::string nbsp = "\xC2\xA0", zwsp = "\xE2\x80\x8B", figure = "\xE2\x80\x87";
  const std::vector<HandCase> cases = {
      {"empty input", "", {}},
      {"a plain PAN with its exact span", "card 4111111111111111 ok", {{5, 21}}},
      {"printed groups with mixed ASCII separators", "x 4111 1111-1111.1111 y", {{2, 21}}},
      {"Amex grouped 4-6-5", "amex 3782 822463 10005.", {{5, 22}}},
      {"Diners grouped 4-6-4", "d 3056 930902 5904/", {{2, 18}}},
      {"grouped 4-4-4-4-3 gives the 16 and the 19 digit windows", "4111 1111 1111 1111 110",
       {{0, 19}, {0, 23}}},
      {"one space between every digit", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", {{0, 31}}},
      {"a Luhn failure", "4111111111111112", {}},
      {"a leading digit outside every range", "94111111111111111", {}},
      {"a 20-digit group with nothing after it", "41111111111111110000", {}},
      {"an unknown issuer", "6111111111111116", {}},
      {"a gap of 3 ASCII units", "4111 - 111111111111", {{0, 19}}},
      {"a gap of 4 ASCII units breaks the run", "4111 -  111111111111", {}},
      {"NBSP and zero-width space in bytes", "4111" + nbsp + "1111" + zwsp + "1111 1111", {{0, 22}}},
      {"figure space between every group",
       "4111" + figure + "1111" + figure + "1111" + figure + "1111", {{0, 25}}},
      {"a gap of 3 zero-width spaces", "4111" + zwsp + zwsp + zwsp + "111111111111", {{0, 25}}},
      {"a gap of 4 zero-width spaces breaks the run", "4111" + zwsp + zwsp + zwsp + zwsp + "111111111111", {}},
      {"every Unicode separator kind",
       "4111\xC2\xAD" "1111\xE1\xA0\x8E" "1111\xE2\x80\x80" "1111 x", {{0, 24}}},
      {"dashes, minus, ideographic space, BOM and word joiner",
       "4111\xE2\x80\x94" "11\xE2\x88\x92" "11\xE3\x80\x80" "1111\xEF\xBB\xBF" "11\xE2\x81\xA0" "11",
       {{0, 31}}},
      {"a PAN wrapped across CRLF", "pan 41111111\r\n11111111 end", {{4, 22}}},
      {"two cards in one run", "4111111111111111 5555555555554444", {{0, 16}, {17, 33}}},
      {"track 2 with '='", ";4111111111111111=25121010000?", {{1, 17}}},
      {"a long group before 'D' (EMV tag 57)", "57134111111111111111D2512101", {{4, 20}}},
      {"a long group before '=' keeps every passing suffix", "00000004222222222222=", {{7, 20}}},
      {"a long group before a space has no suffix window", "57134111111111111111 2512101", {}},
      {"a long group at the end of data has no suffix window", "xx 57134111111111111111", {}},
      {"an invalid lone lead byte between digits", "4111\xC2" "111111111111", {}},
      {"a truncated 3-byte separator between digits", "4111\xE2\x80" "111111111111", {}},
      {"an overlong NBSP is not a separator", "4111\xE0\x82\xA0" "111111111111", {}},
      {"a lone continuation byte", "4111\x80" "111111111111", {}},
      {"a broken gap lets the next digit start a run", "12\xC2" "4111111111111111", {{3, 19}}},
      {"data ending mid-run", "xx 4111111111111111", {{3, 19}}},
      {"data ending in a gap", "4111 1111 1111 1111 ", {{0, 19}}},
      {"a 13-digit Visa", "visa:4222222222222,", {{5, 18}}},
      {"a card far into a long text", std::string(300, 'a') + " 5555-5555-5555-4444 " + std::string(300, 'b'),
       {{301, 320}}},
      {"a card straddling 64-byte blocks", std::string(58, 'x') + "4111111111111111", {{58, 74}}},
      {"a 100-digit group before '='", std::string(84, '0') + "4111111111111111=", {{84, 100}}},
      {"19 digits from the end of one block to the end of the next, the last group going on", [] {
         // A 19-digit Luhn-valid Visa prefix whose 19th digit is byte 127 but not a group end.
         std::string t = std::string(61, 'x') + "411";
         for (char c : std::string("8483040119803649")) t += std::string("   ") + c;
         return t + "5 end";
       }(), {}},
      {"a run of one-digit groups across several blocks", [] {
         std::string t;
         for (int k = 0; k < 40; ++k) t += "1 ";
         return t + "4111 1111 1111 1111";
       }(), {{80, 99}}},
  };
  return cases;
}

void handCases() {
  const CardWindowFinder f(kId, handRanges());
  for (const HandCase& c : handCaseList()) {
    const Spans got = blockSpans(f, c.input);
    check(got == c.expected, std::string("block: ") + c.name + " -> " + describe(got) +
                                 " expected " + describe(c.expected));
    std::vector<size_t> everyByte;
    for (size_t k = 1; k < c.input.size(); ++k) everyByte.push_back(k);
    const Spans streamed = streamSpans(f, c.input, everyByte, c.expected, c.name);
    check(streamed == c.expected, std::string("stream, 1-byte writes: ") + c.name + " -> " +
                                      describe(streamed));
  }
}

// ---- Serialization and stream reuse -------------------------------------------------------------

void serialization(const std::vector<IssuerRangeC>& ranges) {
  const CardWindowFinder f(kId, ranges);
  const std::string bytes = f.serialize();
  auto g = CardWindowFinder::deserialize(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  check(g != nullptr && g->id() == kId, "deserialize returns the same id");
  check(g != nullptr && g->serialize() == bytes, "serialize(deserialize(x)) == x");
  const std::string text = "a 4111111111111111 b 378282246310005 c 6011111111111117 d";
  check(g != nullptr && blockSpans(*g, text) == blockSpans(f, text), "a deserialized finder finds the same windows");
  check(blockSpans(f, text) == Spans{{2, 18}, {21, 36}, {39, 55}}, "the three test PANs are found");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    if (CardWindowFinder::deserialize(reinterpret_cast<const uint8_t*>(bytes.data()), cut) != nullptr) {
      check(false, "deserialize rejects input truncated to " + std::to_string(cut) + " bytes");
    }
  }
  check(CardWindowFinder::deserialize(nullptr, 0) == nullptr, "deserialize rejects no input");
  std::string trailing = bytes + "x";
  check(CardWindowFinder::deserialize(reinterpret_cast<const uint8_t*>(trailing.data()), trailing.size()) == nullptr,
        "deserialize rejects trailing bytes");
  std::string version = bytes;
  version[4] = 2;
  check(CardWindowFinder::deserialize(reinterpret_cast<const uint8_t*>(version.data()), version.size()) == nullptr,
        "deserialize rejects another version");
  std::string huge = bytes.substr(0, 12) + std::string("\xff\xff\xff\x7f", 4);
  check(CardWindowFinder::deserialize(reinterpret_cast<const uint8_t*>(huge.data()), huge.size()) == nullptr,
        "deserialize rejects a range count the input cannot hold");

  CardWindowStream stream(f);
  std::vector<Match> out;
  const std::string a = "x 41111111", b = "11111111 y";
  stream.write(reinterpret_cast<const uint8_t*>(a.data()), a.size(), out);
  stream.write(reinterpret_cast<const uint8_t*>(b.data()), b.size(), out);
  stream.close(out);
  check(toSpans(out) == Spans{{2, 18}}, "a PAN split across two writes is found once");
  out.clear();
  stream.write(reinterpret_cast<const uint8_t*>(b.data()), b.size(), out);
  stream.write(reinterpret_cast<const uint8_t*>(text.data()), text.size(), out);
  stream.close(out);
  check(toSpans(out) == Spans{{12, 28}, {31, 46}, {49, 65}}, "after close a stream starts over at offset 0");
}

// ---- Random inputs ------------------------------------------------------------------------------

class Generator {
 public:
  Generator(std::vector<IssuerRangeC> ranges, uint64_t seed) : ranges_(std::move(ranges)), rng_(seed) {}

  std::string input() {
    std::string s;
    const int pieces = pick(1, 24);
    for (int k = 0; k < pieces; ++k) s += piece();
    return s;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string digits(int n) {
    std::string s;
    for (int k = 0; k < n; ++k) s.push_back(static_cast<char>('0' + pick(0, 9)));
    return s;
  }

  std::string separator() {
    static const std::vector<std::string> seps = {
        " ", "\t", "-", ".", "/", "_", "\n", "\r", "\xC2\xA0", "\xC2\xAD", "\xE1\xA0\x8E",
        "\xE2\x80\x80", "\xE2\x80\x87", "\xE2\x80\x8A", "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",
        "\xE2\x80\x90", "\xE2\x80\x93", "\xE2\x80\x95", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE2\x81\xA0",
        "\xE2\x88\x92", "\xE3\x80\x80", "\xEF\xBB\xBF"};
    return seps[pick(0, static_cast<int>(seps.size()) - 1)];
  }

  std::string gap() {
    const int units = pick(0, 9) == 0 ? 4 : pick(1, 3);
    std::string s;
    for (int k = 0; k < units; ++k) s += separator();
    return s;
  }

  std::string noise() {
    static const std::vector<std::string> bits = {
        "a", "Z", ":", ",", "=", "D", "d", ";", "?", "%B", "\xC2", "\xE2\x80", "\xE2\x80\x8E",
        "\xED\xA0\x80", "\xC0\xA0", "\xE0\x82\xA0", "\xF0\x9F\x98\x80", "\x80", "\xFF", "\xC3\xA9",
        "\xE2\x82\xAC", std::string(1, '\0'), "blk_", "ts=", "card "};
    return bits[pick(0, static_cast<int>(bits.size()) - 1)];
  }

  // A Luhn-valid number inside a random range, at a length that range issues.
  std::string pan() {
    const IssuerRangeC& r = ranges_[pick(0, static_cast<int>(ranges_.size()) - 1)];
    std::vector<int> lengths;
    for (int n = 12; n <= 19; ++n) {
      if ((r.lengthMask >> n) & 1) lengths.push_back(n);
    }
    if (lengths.empty()) return digits(16);
    const int n = lengths[pick(0, static_cast<int>(lengths.size()) - 1)];
    // A prefix between from and to: copy from, then bump digits while staying <= to.
    std::string p = r.from;
    for (size_t k = 0; k < p.size(); ++k) {
      const std::string up = p.substr(0, k) + std::string(1, static_cast<char>('0' + pick(0, 9))) + p.substr(k + 1);
      if (up >= r.from && up <= r.to && pick(0, 1) == 1) p = up;
    }
    std::string s = p + digits(n - 1 - static_cast<int>(p.size()));
    for (char check = '0'; check <= '9'; ++check) {
      int sum = 0;
      const std::string t = s + check;
      for (size_t k = 0; k < t.size(); ++k) {
        int d = t[t.size() - 1 - k] - '0';
        if (k % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      if (sum % 10 == 0) return t;
    }
    return s;
  }

  // Splits digits into printed groups joined by random gaps.
  std::string grouped(const std::string& d) {
    std::string s;
    size_t k = 0;
    while (k < d.size()) {
      const size_t take = std::min<size_t>(d.size() - k, static_cast<size_t>(pick(1, 8)));
      if (!s.empty()) s += gap();
      s += d.substr(k, take);
      k += take;
    }
    return s;
  }

  // A digit-dense stretch longer than a block (groups split by single separators, now and then
  // a '=' or 'D'), or a long run of one-digit groups: blocks with many starts and runs that
  // cross two block boundaries.
  std::string dense() {
    std::string s;
    if (pick(0, 1) == 0) {
      const int groups = pick(20, 45);
      for (int k = 0; k < groups; ++k) s += digits(1) + (pick(0, 19) == 0 ? gap() : separator());
      return s;
    }
    const int length = pick(60, 200);
    while (static_cast<int>(s.size()) < length) {
      s += digits(pick(1, 30));
      const int next = pick(0, 9);
      s += next == 0 ? std::string(pick(0, 1) ? "=" : "D") : separator();
    }
    return s;
  }

  std::string piece() {
    switch (pick(0, 10)) {
      case 10: return dense();
      case 0: case 1: return pan();
      case 2: return grouped(pan());
      case 3: return digits(pick(1, 25));
      case 4: return gap();
      case 5: return noise();
      case 6: return digits(pick(1, 12)) + pan() + (pick(0, 1) ? "=" : "D");  // long group + track sep
      case 7: return grouped(digits(pick(4, 30)));
      case 8: return pan() + gap() + pan();
      default: return std::string(static_cast<size_t>(pick(1, 80)), 'x');
    }
  }

  std::vector<IssuerRangeC> ranges_;
  std::mt19937_64 rng_;
};

// Parses one reference line "[7,0,16,...]".
Spans parseReference(const std::string& line) {
  std::vector<uint64_t> nums;
  uint64_t v = 0;
  bool in = false;
  for (char c : line) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<uint64_t>(c - '0');
      in = true;
    } else if (in) {
      nums.push_back(v);
      v = 0;
      in = false;
    }
  }
  Spans s;
  for (size_t k = 0; k + 2 < nums.size(); k += 3) {
    if (nums[k] != kId) throw std::runtime_error("unexpected id in reference output");
    s.emplace_back(nums[k + 1], nums[k + 2]);
  }
  return s;
}

std::vector<std::string> readLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

int diff(const std::vector<IssuerRangeC>& ranges, const std::string& inPath, const std::string& refPath,
         uint64_t seed) {
  const CardWindowFinder f(kId, ranges);
  const std::vector<std::string> inputs = readLines(inPath);
  const std::vector<std::string> refs = readLines(refPath);
  check(inputs.size() == refs.size(), "one reference line per input");
  std::mt19937_64 rng(seed);
  size_t windows = 0;
  for (size_t i = 0; i < inputs.size() && i < refs.size(); ++i) {
    const std::string in = unhex(inputs[i]);
    const Spans expected = parseReference(refs[i]);
    windows += expected.size();
    const std::string label = "input " + std::to_string(i) + " (" + std::to_string(in.size()) + " bytes)";
    const Spans got = blockSpans(f, in);
    check(got == expected, "block equals reference on " + label + ": " + describe(got) + " vs " + describe(expected));
    // Every byte a write on short inputs; random cut points (some 1 byte apart) on all inputs.
    if (in.size() <= 4096) {
      std::vector<size_t> everyByte;
      for (size_t k = 1; k < in.size(); ++k) everyByte.push_back(k);
      check(streamSpans(f, in, everyByte, expected, label) == expected, "1-byte writes equal reference on " + label);
    }
    for (int round = 0; round < 3; ++round) {
      std::vector<size_t> cuts;
      size_t at = 0;
      while (!in.empty()) {
        const size_t maxStep = round == 0 ? 3 : round == 1 ? 70 : 70000;
        at += std::uniform_int_distribution<size_t>(1, maxStep)(rng);
        if (at >= in.size()) break;
        cuts.push_back(at);
      }
      check(streamSpans(f, in, cuts, expected, label) == expected, "random chunking equals reference on " + label);
    }
  }
  std::printf("diff: %zu inputs, %zu reference windows\n", inputs.size(), windows);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) {
      std::fprintf(stderr, "usage: %s <ranges.txt> [gen|hexfiles|diff ...]\n", argv[0]);
      return 2;
    }
    const std::vector<IssuerRangeC> ranges = cardveil_test::readRanges(argv[1]);
    const std::string mode = argc > 2 ? argv[2] : "";
    if (mode == "gen" && argc == 6) {
      Generator gen(ranges, std::stoull(argv[4]));
      std::ofstream out(argv[5]);
      const int count = std::stoi(argv[3]);
      for (int k = 0; k < count; ++k) out << hexOf(gen.input()) << '\n';
      return 0;
    }
    if (mode == "hand-hex" && argc == 5) {
      // The hand cases and their range table, so that the reference can be run on them too.
      std::ofstream out(argv[3]);
      for (const HandCase& c : handCaseList()) out << hexOf(c.input) << '\n';
      std::ofstream table(argv[4]);
      for (const IssuerRangeC& r : handRanges()) {
        table << r.from << ' ' << r.to << ' ';
        const char* comma = "";
        for (int n = 0; n < 32; ++n) {
          if ((r.lengthMask >> n) & 1) {
            table << comma << n;
            comma = ",";
          }
        }
        table << '\n';
      }
      return 0;
    }
    if (mode == "hexfiles" && argc >= 4) {
      std::ofstream out(argv[3]);
      for (int k = 4; k < argc; ++k) out << hexOf(cardveil_test::readFile(argv[k])) << '\n';
      return 0;
    }
    if (mode == "diff" && argc >= 5) {
      diff(ranges, argv[3], argv[4], argc > 5 ? std::stoull(argv[5]) : 1);
    } else if (mode.empty()) {
      handCases();
      serialization(ranges);
    } else {
      std::fprintf(stderr, "bad arguments\n");
      return 2;
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
