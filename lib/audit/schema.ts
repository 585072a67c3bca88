/** Pack schema for the audit-logger link. An empty block (`audit-logger: {}`) is valid. */
import { z } from 'zod';
import { secretRefSchema } from '../routing/schema.js';

export const auditLoggerSchema = z.strictObject({
  /** JSON-lines trail; default `cardveil-audit.jsonl` in the working directory. */
  path: z.string().min(1).default('cardveil-audit.jsonl'),
  /** `always`: fsync after each record; `never`: leave it to the OS. */
  fsync: z.enum(['always', 'never']).default('never'),
  /** Rotate when the current file would exceed this many bytes (0: never). */
  rotate_bytes: z.number().int().nonnegative().default(0),
  /** Key for HMAC-SHA-256 chaining instead of plain SHA-256. */
  hmac_key_ref: secretRefSchema.optional(),
});

export type AuditLoggerConfig = z.infer<typeof auditLoggerSchema>;
