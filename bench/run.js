// Entry point of `npm run bench`, `bench:check` and `bench:update`: registers tsx so the
// TypeScript suites run without a build step (they load our compiled dist/, see lib/ours.ts).
import { register } from 'tsx/esm/api';

register();
await import('./run.ts');
