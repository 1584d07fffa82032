/**
 * A training set (NDJSON lines as a job stores them) as CSV or Parquet. Columns: `entity`, `timestamp`, the
 * spine's pass-through columns (in first-seen order), then the features (`features`, in the job's order).
 *
 * Parquet (hyparquet-writer): `entity` STRING, `timestamp` TIMESTAMP (ms, UTC), a `count` feature INT64, every
 * other feature DOUBLE (null where undefined), a pass-through column BOOLEAN, DOUBLE or STRING when all its values
 * are of that JSON type (or null), else JSON text. The file is built in memory (one column array per column).
 */
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { csvField } from '../core/historical/csv.js';

export interface TrainingColumns {
  features: readonly { name: string; agg: string }[];
}

type Row = Record<string, unknown>;

async function collect(lines: AsyncIterable<string[]>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of lines) for (const line of batch) rows.push(JSON.parse(line) as Row);
  return rows;
}

function passThrough(rows: readonly Row[], features: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  for (const row of rows)
    for (const k of Object.keys(row))
      if (k !== 'entity' && k !== 'timestamp' && !features.has(k)) seen.add(k);
  return [...seen];
}

/** CSV lines (header first), each ending with CRLF as RFC 4180 writes them. */
export async function* trainingCsv(
  lines: () => AsyncIterable<string[]>,
  columns: TrainingColumns,
): AsyncIterable<string> {
  const featureNames = columns.features.map((f) => f.name);
  // First pass: the pass-through columns (rows may differ in them).
  const extra = new Set<string>();
  const features = new Set(featureNames);
  for await (const batch of lines()) {
    for (const line of batch) {
      for (const k of Object.keys(JSON.parse(line) as Row)) {
        if (k !== 'entity' && k !== 'timestamp' && !features.has(k)) extra.add(k);
      }
    }
  }
  const names = ['entity', 'timestamp', ...extra, ...featureNames];
  yield `${names.map(csvField).join(',')}\r\n`;
  for await (const batch of lines()) {
    let out = '';
    for (const line of batch) {
      const row = JSON.parse(line) as Row;
      out += `${names.map((n) => csvField(row[n])).join(',')}\r\n`;
    }
    yield out;
  }
}

type ParquetType = 'BOOLEAN' | 'DOUBLE' | 'STRING' | 'JSON';

function columnType(values: readonly unknown[]): ParquetType {
  let type: ParquetType | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t: ParquetType =
      typeof v === 'boolean'
        ? 'BOOLEAN'
        : typeof v === 'number'
          ? 'DOUBLE'
          : typeof v === 'string'
            ? 'STRING'
            : 'JSON';
    if (type === null) type = t;
    else if (type !== t) return 'JSON';
  }
  return type ?? 'STRING';
}

export async function trainingParquet(
  lines: AsyncIterable<string[]>,
  columns: TrainingColumns,
): Promise<Uint8Array> {
  const rows = await collect(lines);
  const featureNames = new Set(columns.features.map((f) => f.name));
  const extra = passThrough(rows, featureNames);
  const columnData = [
    { name: 'entity', data: rows.map((r) => String(r.entity)), type: 'STRING' as const, nullable: false },
    {
      name: 'timestamp',
      data: rows.map((r) => new Date(String(r.timestamp))),
      type: 'TIMESTAMP' as const,
      nullable: false,
    },
    ...extra.map((name) => {
      const values = rows.map((r) => r[name] ?? null);
      const type = columnType(values);
      const data = type === 'JSON' ? values.map((v) => (v === null ? null : JSON.stringify(v))) : values;
      return { name, data, type: type === 'JSON' ? ('STRING' as const) : type };
    }),
    ...columns.features.map((f) => {
      const values = rows.map((r) => (r[f.name] ?? null) as number | null);
      return f.agg === 'count'
        ? { name: f.name, data: values.map((v) => (v === null ? null : BigInt(v))), type: 'INT64' as const }
        : { name: f.name, data: values, type: 'DOUBLE' as const };
    }),
  ];
  const writer = new ByteWriter();
  // Synchronous with a ByteWriter and the default codecs; a promise would mean the buffer is not complete yet.
  const pending = parquetWrite({
    writer,
    columnData: columnData as Parameters<typeof parquetWrite>[0]['columnData'],
  });
  if (pending instanceof Promise) throw new Error('the Parquet writer did not finish synchronously');
  return new Uint8Array(writer.getBuffer());
}
