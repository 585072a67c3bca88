#!/usr/bin/env node
// The cardveil CLI. Runs the compiled build (dist/, from `npm run build:ts`); in a source checkout
// without a build, falls back to running the TypeScript through tsx when it is installed.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(built)) {
  ({ main } = await import(built.href));
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('cardveil: not built: run "npm run build:ts" first (dist/cli/main.js is missing)\n');
    process.exit(70);
  }
  ({ main } = await import(new URL('../lib/cli/main.ts', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
