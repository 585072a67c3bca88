/**
 * bench/results/throughput.svg: throughput of every contender that moves bytes, grouped by suite,
 * on a log scale (the peers are four orders of magnitude below the engine, a linear axis would
 * hide them). Hand-written SVG, no dependency.
 */
import type { ContenderKind, Row } from './measure.js';
import type { SuiteReport } from './report.js';

const COLORS: Record<ContenderKind, string> = {
  ours: '#1f7a3d',
  native: '#6b6b6b',
  js: '#d08a00',
  peer: '#b8322a',
};
const LABELS: Record<ContenderKind, string> = {
  ours: 'cardveil',
  native: 'C++ ceiling (same database, no Node)',
  js: 'pure JavaScript (V8 RegExp)',
  peer: 'npm peer library',
};

const WIDTH = 1000;
const LABEL_W = 450;
const BAR_X = LABEL_W + 10;
const BAR_W = WIDTH - BAR_X - 90;
const ROW_H = 20;
const HEAD_H = 28;
const TOP = 70;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatRate(mb: number): string {
  if (mb >= 1000) return `${(mb / 1000).toFixed(2)} GB/s`;
  if (mb >= 10) return `${mb.toFixed(0)} MB/s`;
  return `${mb.toPrecision(2)} MB/s`;
}

/** Renders the chart for the suites' throughput rows; returns the SVG text. */
export function renderThroughputSvg(suites: readonly SuiteReport[], subtitle: string): string {
  const groups = suites
    .map((s) => ({ title: s.title, rows: s.rows.filter((r): r is Row & { mbPerSec: number } => r.mbPerSec !== null && r.mbPerSec > 0) }))
    .filter((g) => g.rows.length > 0);
  const all = groups.flatMap((g) => g.rows.map((r) => r.mbPerSec));
  const minExp = Math.floor(Math.log10(Math.min(0.1, ...all)));
  const maxExp = Math.ceil(Math.log10(Math.max(10, ...all)));
  const x = (mb: number): number => BAR_X + ((Math.log10(mb) - minExp) / (maxExp - minExp)) * BAR_W;
  const height = TOP + groups.reduce((h, g) => h + HEAD_H + g.rows.length * ROW_H, 0) + 40;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="600">cardveil throughput against the alternatives (MB/s, log scale)</text>`,
    `<text x="16" y="42" fill="#555">${escape(subtitle)}</text>`,
  );
  // Legend.
  let lx = 16;
  for (const kind of Object.keys(COLORS) as ContenderKind[]) {
    parts.push(`<rect x="${lx}" y="52" width="10" height="10" fill="${COLORS[kind]}"/>`);
    parts.push(`<text x="${lx + 14}" y="61">${escape(LABELS[kind])}</text>`);
    lx += 30 + LABELS[kind].length * 7;
  }
  // Grid: one line per decade.
  const gridBottom = height - 30;
  for (let e = minExp; e <= maxExp; e++) {
    const gx = x(10 ** e).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${TOP}" x2="${gx}" y2="${gridBottom}" stroke="#e3e3e3"/>`);
    const label = e >= 3 ? `${10 ** (e - 3)} GB/s` : e >= 0 ? `${10 ** e} MB/s` : `${(10 ** e).toFixed(-e)} MB/s`;
    parts.push(`<text x="${gx}" y="${gridBottom + 16}" text-anchor="middle" fill="#555">${label}</text>`);
  }
  let y = TOP;
  for (const g of groups) {
    parts.push(`<text x="16" y="${y + 18}" font-weight="600">${escape(g.title)}</text>`);
    y += HEAD_H;
    for (const r of g.rows) {
      const w = Math.max(1, x(r.mbPerSec) - BAR_X);
      parts.push(`<text x="${LABEL_W}" y="${y + 14}" text-anchor="end">${escape(truncate(`${r.contender} (${r.input})`, 70))}</text>`);
      parts.push(`<rect x="${BAR_X}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 6}" fill="${COLORS[r.kind]}"/>`);
      parts.push(`<text x="${(BAR_X + w + 6).toFixed(1)}" y="${y + 14}" fill="#333">${formatRate(r.mbPerSec)}</text>`);
      y += ROW_H;
    }
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
