// Entry point of `npm run bench`, `bench:check` and `bench:update`: registers tsx so the
// TypeScript suites (and the TypeScript sources of lib/) run without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./run.ts');
