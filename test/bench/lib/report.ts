/**
 * Figures, the table printed at the end of a run, and bench-results.json (the same rows as JSON).
 * Every figure is judged against a target; most targets are ratios to a baseline measured in the same run.
 */
import { writeFileSync } from 'node:fs';

export interface Figure {
  scenario: string;
  /** What was measured, e.g. "requests/s". */
  figure: string;
  value: number;
  unit: string;
  /** What `value` is compared with; null for an absolute target. */
  baseline: { label: string; value: number } | null;
  /** value / baseline.value (or value itself for an absolute target). */
  ratio: number;
  /** How the ratio must compare with `limit`; null for a figure shown but not judged. */
  target: { op: '>=' | '<='; limit: number; text: string } | null;
  /** null when not judged. */
  pass: boolean | null;
  /** Anything a reader needs to judge the figure (counts, settings). */
  notes?: string;
}

export function judge(
  f: Omit<Figure, 'ratio' | 'pass' | 'target'> & {
    target: { op: '>=' | '<='; limit: number };
    unitOfTarget?: string;
  },
): Figure {
  const ratio = ratioOf(f);
  const { op, limit } = f.target;
  const pass = Number.isFinite(ratio) && (op === '>=' ? ratio >= limit : ratio <= limit);
  const text = f.baseline ? `${op} ${limit}×` : `${op} ${fmt(limit)} ${f.unitOfTarget ?? f.unit}`;
  const { unitOfTarget: _u, ...rest } = f;
  return { ...rest, ratio, target: { op, limit, text }, pass };
}

/** A figure shown beside a judged one to explain it, with no target of its own. */
export function observe(f: Omit<Figure, 'ratio' | 'pass' | 'target'>): Figure {
  return { ...f, ratio: ratioOf(f), target: null, pass: null };
}

const ratioOf = (f: Pick<Figure, 'value' | 'baseline'>) =>
  f.baseline ? f.value / f.baseline.value : f.value;

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.scenario,
    f.figure,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.label})` : '—',
    f.baseline ? `${f.ratio.toFixed(2)}×` : '—',
    f.target?.text ?? '—',
    f.pass === null ? 'not judged' : f.pass ? 'pass' : 'FAIL',
  ]);
  const head = ['scenario', 'figure', 'value', 'baseline', 'ratio', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function writeResults(path: string, meta: Record<string, unknown>, figures: readonly Figure[]): void {
  writeFileSync(path, `${JSON.stringify({ ...meta, figures }, null, 2)}\n`);
}
