/**
 * Audit records as CSV (RFC 4180). Cells that a spreadsheet would run as a formula (leading `=`,
 * `+`, `-`, `@`, tab, CR) get a leading `'`: actor and source can come from clients.
 */

export const CSV_COLUMNS = [
  'seq', 'time', 'event', 'request_id', 'actor', 'source', 'resource', 'outcome', 'verdict',
  'status', 'reasons', 'finding_types', 'counts', 'target', 'routing_outcome', 'rejected',
  'latency_ms', 'pack_name', 'pack_version', 'pack_hash', 'hash',
] as const;

function cell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(';') : '');
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** One CSV row (no line ending) for a record, columns as in `CSV_COLUMNS`. */
export function csvRow(r: Record<string, unknown>): string {
  const routing = obj(r.routing);
  const pack = obj(r.pack);
  const rejected = Array.isArray(routing.rejected)
    ? (routing.rejected as { id?: unknown; reasons?: unknown }[]).map((x) => `${String(x.id)}:${list(x.reasons).replace(/;/g, '+')}`).join(';')
    : '';
  const counts = Object.entries(obj(r.counts)).map(([k, n]) => `${k}=${String(n)}`).join(';');
  return [
    r.seq, r.time, r.event, r.request_id, r.actor, r.source, r.resource, r.outcome, r.verdict,
    r.status, list(r.reasons), list(r.finding_types), counts, routing.target, routing.outcome, rejected,
    r.latency_ms, pack.name, pack.version, pack.hash, r.hash,
  ].map(cell).join(',');
}
