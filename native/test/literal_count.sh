#!/bin/bash
# How many literals Hyperscan's literal matcher holds for a trigger list (what patterns.ts's literal
# budget counts), measured from outside since Hyperscan does not report it: its fast Teddy matcher
# takes at most 96 literals, so the list plus n junk literals (11 bytes, never in the corpus) scans
# about twice as slowly once n passes 96 - count. Binary search on n, each step priced by
# pattern_cost (CPU time); a list already slow is reported as such (out of the window: over 96, or
# too few literals for its short ones, see patterns.ts).
#   literal_count.sh <pattern_cost> <corpus> <list> [<list> ...]
set -euo pipefail
cost=$1 corpus=$2; shift 2
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
median() { "$cost" "$corpus" "$1" | awk '{print $3}'; }
with_junk() {  # list + $2 junk literals -> $tmp
  cp "$1" "$tmp"
  if [ "$2" -gt 0 ]; then
    local j=''; for k in $(seq 1 "$2"); do j+=$(printf 'zqj%04dxkvw|' "$k"); done
    printf '999\t-\t%s\n' "${j%|}" >> "$tmp"
  fi
}
for list in "$@"; do
  with_junk "$list" 0; base=$(median "$tmp")
  with_junk "$list" 97; over=$(median "$tmp")
  # Slow means at least 1.6x the list's own time with no junk (Teddy -> FDR is ~2x).
  if ! awk -v b="$base" -v o="$over" 'BEGIN { exit !(o > 1.6 * b) }'; then
    echo "$list: no cliff within 97 junk literals (base ${base} ms, +97 ${over} ms): already out of the fast matcher?"
    continue
  fi
  lo=0 hi=97
  while [ $((hi - lo)) -gt 1 ]; do
    mid=$(((lo + hi) / 2)); with_junk "$list" "$mid"
    if awk -v b="$base" -v t="$(median "$tmp")" 'BEGIN { exit !(t > 1.6 * b) }'; then hi=$mid; else lo=$mid; fi
  done
  echo "$list: $((97 - hi)) literals (${base} ms alone; room for $((hi - 1)) more before 96)"
done
