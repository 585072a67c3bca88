#!/usr/bin/env bash
# Memory-safety run of the native addon: builds an AddressSanitizer variant into build-asan/ and
# runs the native engine tests against it (CARDVEIL_ADDON_PATH makes lib/engine/loader.ts load it).
#
# Node itself is not instrumented, so libasan is preloaded into it. Leak detection is off: V8 and
# Node keep allocations alive until exit by design, which LeakSanitizer would report as leaks;
# native leaks are covered by test/engine/native-memory.test.ts (live-object counts and RSS).
#
# Usage: bash scripts/asan.sh [extra vitest args]
set -euo pipefail
cd "$(dirname "$0")/.."

npx cmake-js compile --out build-asan --CDCARDVEIL_ASAN=ON >/dev/null

libasan="$(gcc -print-file-name=libasan.so)"
if [ ! -f "$libasan" ]; then
  echo "asan.sh: libasan.so not found (Debian/Ubuntu: apt-get install libasan8)" >&2
  exit 1
fi

export LD_PRELOAD="$libasan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0"
export CARDVEIL_ADDON_PATH="$PWD/build-asan/Release/cardveil.node"
npx vitest run test/engine/native-compile.test.ts test/engine/native-scan.test.ts \
  test/engine/native-stream.test.ts test/engine/native-limits.test.ts test/engine/workers.test.ts \
  test/engine/evasion-hints.test.ts test/engine/differential.test.ts "$@"

# The garbage-collection churn (finalizers of abandoned databases, streams and async scans) runs
# directly, one round of warm-up plus two: native-memory.test.ts's RSS bound means nothing under
# ASan's quarantine, and its full length is too slow instrumented. Live objects must end at zero.
out="$(node --expose-gc --import tsx test/engine/fixtures/abandon.ts 1)"
echo "abandon fixture: $out"
node -e 'const r = JSON.parse(process.argv[1]); const l = r.live;
  if (l.patternSets || l.streams || l.asyncScans) { console.error("native objects left alive"); process.exit(1); }' "$out"
echo "asan.sh: no AddressSanitizer errors"
