/**
 * The policy pack format (zod 4), snake_case as packs are written in YAML.
 *
 * The seed pack (shared/packs/pci-ai-governance.yaml) is the reference: it loads as it stands.
 * Every object is strict: an unknown key is an error (with a "did you mean" suggestion from the
 * loader), because a misspelt `fuzzy_matchign: true` that silently does nothing is a policy hole.
 * Defaults make a minimal pack short; `Pack` is the validated, defaults-applied shape.
 */
import { z } from 'zod';
import { auditLoggerSchema } from '../audit/schema.js';
import { providersSchema, routingPolicySchema, secretRefSchema } from '../routing/schema.js';
import { SAD_OPERATORS, SAD_TYPES } from '../redaction/sad.js';

export const LINK_NAMES = ['pii-detector', 'dlp-filter', 'data-routing-policy', 'audit-logger'] as const;
export const OPERATORS = ['label', 'mask', 'token', 'vault', 'remove'] as const;
export const SENSITIVITIES = ['standard', 'high', 'restricted'] as const;

/** Finding types a pack may configure (masked PANs are never redacted, so they have no entry). */
export const REDACTABLE_TYPES = ['pan', 'track1', 'track2', 'cvv', 'expiry', 'pin_block', 'pin', 'custom', 'blocked_term'] as const;

/**
 * Marker keys: the finding types, plus `generic_id`, the seed's name for identifiers that are not
 * card data but point at it (the DLP filter's `detect_patterns`: authorization codes, order
 * numbers). `generic_id` is therefore the marker of `custom` findings; giving both is an error.
 */
const markersShape = Object.fromEntries(
  [...REDACTABLE_TYPES, 'generic_id'].map((key) => [key, z.string().min(1).optional()]),
) as Record<(typeof REDACTABLE_TYPES)[number] | 'generic_id', z.ZodOptional<z.ZodString>>;

const operatorsShape = Object.fromEntries(REDACTABLE_TYPES.map((key) => [key, z.enum(OPERATORS).optional()])) as Record<
  (typeof REDACTABLE_TYPES)[number],
  z.ZodOptional<z.ZodEnum<{ [K in (typeof OPERATORS)[number]]: K }>>
>;

export const keyRefSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'a key id of 1-32 letters, digits, "_", "." or "-"'),
  secret_key_ref: secretRefSchema,
});

export const redactionSchema = z
  .strictObject({
    /** Operator for every finding type without its own entry in `operators`. */
    marker_format: z.enum(OPERATORS).default('label'),
    /** Per finding type; track/CVV/PIN accept only label or remove. */
    operators: z.strictObject(operatorsShape).default({}),
    custom_markers: z.strictObject(markersShape).default({}),
    include_metadata: z.boolean().default(false),
    preserve_length: z.boolean().default(false),
    mask: z
      .strictObject({
        keep: z.enum(['first6_last4', 'last4', 'first8_last4']).default('first6_last4'),
        char: z.string().length(1).default('*'),
      })
      .default({ keep: 'first6_last4', char: '*' }),
    /** Keys for token and vault redaction; the first is current, the others read old tokens. */
    keys: z.array(keyRefSchema).default([]),
    vault: z.strictObject({ path: z.string().min(1).default('cardveil-vault.sqlite') }).default({ path: 'cardveil-vault.sqlite' }),
  })
  .superRefine((r, ctx) => {
    for (const [type, op] of Object.entries(r.operators)) {
      if (op !== undefined && SAD_TYPES.has(type) && !SAD_OPERATORS.has(op)) {
        ctx.addIssue({
          code: 'custom',
          path: ['operators', type],
          message: `${type} is sensitive authentication data and is never kept or stored (PCI DSS 3.3): expected label or remove, got ${op}`,
        });
      }
    }
    if (r.custom_markers.generic_id !== undefined && r.custom_markers.custom !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['custom_markers', 'generic_id'], message: 'generic_id is the marker of custom findings: give generic_id or custom, not both' });
    }
    const ops = new Set([r.marker_format, ...Object.values(r.operators)]);
    if ((ops.has('token') || ops.has('vault')) && r.keys.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['keys'], message: 'token and vault redaction need at least one key: expected keys: [{ id, secret_key_ref: { env | file } }]' });
    }
    const ids = r.keys.map((k) => k.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['keys'], message: `key id "${dup}" is listed twice` });
  });

const defaultRedaction = redactionSchema.parse({});

export const piiDetectorSchema = z
  .strictObject({
    action: z.enum(['redact', 'block', 'log']).default('redact'),
    /** Health data detection is not part of cardveil: only `false` is accepted. */
    healthcare_mode: z.literal(false, { error: 'healthcare_mode: true is not supported (cardveil detects payment-card data only): expected false' }).default(false),
    /** `false` turns the card-data detectors' actions off (findings are still counted). */
    pci_mode: z.boolean().default(true),
    sensitivity: z.enum(SENSITIVITIES).default('standard'),
    redaction: redactionSchema.default(defaultRedaction),
  });

export const detectPatternSchema = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), pattern: z.string().min(1), caseless: z.boolean().default(false) }),
]);

export const dlpFilterSchema = z
  .strictObject({
    detect_patterns: z.array(detectPatternSchema).default([]),
    blocked_terms: z.array(z.string().trim().min(1)).default([]),
    action: z.enum(['block', 'redact', 'log']).default('block'),
    fuzzy_matching: z.boolean().default(false),
    /** Edit distance for blocked terms when `fuzzy_matching` is on. */
    max_distance: z.number().int().min(1).max(3).default(1),
    /** Detector sensitivity; the stricter of this and pii-detector's `sensitivity` is used. */
    sensitivity_level: z.enum(SENSITIVITIES).default('standard'),
  })
  .superRefine((d, ctx) => {
    const names = d.detect_patterns.map((p) => (typeof p === 'string' ? p : p.name));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['detect_patterns'], message: `pattern name "${dup}" is used twice` });
  });

export const packSchema = z
  .strictObject({
    pack: z.strictObject({
      name: z.string().min(1),
      version: z.string().min(1),
      enabled: z.boolean().default(true),
      description: z.string().optional(),
    }),
    providers: providersSchema.default({ targets: [] }),
    policies: z.strictObject({ chain: z.array(z.enum(LINK_NAMES)).min(1) }).default({ chain: ['pii-detector'] }),
    policy: z
      .strictObject({
        'pii-detector': piiDetectorSchema.optional(),
        'dlp-filter': dlpFilterSchema.optional(),
        'data-routing-policy': routingPolicySchema.optional(),
        'audit-logger': auditLoggerSchema.optional(),
      })
      .default({}),
  })
  .superRefine((p, ctx) => {
    const chain = p.policies.chain;
    const dup = chain.find((n, i) => chain.indexOf(n) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['policies', 'chain'], message: `link "${dup}" is listed twice` });
  });

/** A pack as written (input of validation): the same object can come from YAML or from code. */
export type PackInput = z.input<typeof packSchema>;
/** A validated pack with every default applied. */
export type Pack = z.output<typeof packSchema>;
export type RedactionConfig = z.output<typeof redactionSchema>;
export type PiiDetectorConfig = z.output<typeof piiDetectorSchema>;
export type DlpFilterConfig = z.output<typeof dlpFilterSchema>;
