/**
 * Pack schema for provider targets and the data-routing-policy link (snake_case, as packs are
 * written). Shared by the pack loader (lib/policy) and the router (lib/routing).
 */
import { z } from 'zod';

export const secretRefSchema = z.union([
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ file: z.string().min(1) }),
]);

export const dataPolicySchema = z.strictObject({
  zero_data_retention: z.boolean().default(false),
  training_opt_out: z.boolean().default(false),
  retention_days: z.number().int().nonnegative().optional(),
  in_memory_only: z.boolean().default(false),
  sanitized: z.boolean().default(false),
  accepts_tokenized_input: z.boolean().default(false),
  allow_internet_egress: z.boolean().default(true),
  local_only_processing: z.boolean().default(false),
});

export const targetSchema = z.strictObject({
  id: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().min(1).optional(),
  base_url: z.url().optional(),
  secret_key_ref: secretRefSchema.optional(),
  timeout_ms: z.number().int().positive().default(30_000),
  data_policy: dataPolicySchema.default(dataPolicySchema.parse({})),
});

export const providersSchema = z.strictObject({
  targets: z.array(targetSchema).default([]),
});

export const routingPolicySchema = z.strictObject({
  require_zero_data_retention: z.boolean().default(false),
  require_no_training: z.boolean().default(false),
  max_retention_days: z.number().int().nonnegative().optional(),
  require_in_memory_only: z.boolean().default(false),
  sanitize_before_provider: z.boolean().default(false),
  tokenize_sensitive_fields: z.boolean().default(false),
  allow_internet_egress: z.boolean().default(true),
  local_only_processing: z.boolean().default(false),
  /** `block`, or the id of a fallback target. */
  on_no_compliant_provider: z.string().min(1).default('block'),
  log_provider_selection: z.boolean().default(false),
});

export type SecretRef = z.infer<typeof secretRefSchema>;
export type DataPolicy = z.infer<typeof dataPolicySchema>;
export type Target = z.infer<typeof targetSchema>;
export type RoutingPolicy = z.infer<typeof routingPolicySchema>;
