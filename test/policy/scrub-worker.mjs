// Loads the TypeScript worker through tsx (worker threads do not inherit vitest's transform).
import { register } from 'tsx/esm/api';

register();
await import('./scrub-worker.ts');
