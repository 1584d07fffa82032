/**
 * The raw records of a job's history, in the source's order: an upload (NDJSON objects, or CSV rows whose numeric
 * cells become numbers) or an events reader (Kinesis: JSON payloads with their arrival times).
 */
import { csvValue, parseCsvLine } from '../../core/historical/csv.js';
import type { HistoricalEvents } from '../../core/historical/job.js';
import type { HistoricalEventReader, HistoricalUploads } from '../../ports/historical.js';

/** A batch of records: parsed JSON values (undefined: unreadable), with arrival times (epoch ms). */
export interface RecordBatch {
  source: string;
  records: unknown[];
  arrivals: number[];
}

export async function* eventRecords(
  uploads: HistoricalUploads,
  reader: HistoricalEventReader | undefined,
  events: HistoricalEvents,
  signal: AbortSignal,
): AsyncIterable<RecordBatch> {
  if (events.type === 'upload') {
    const meta = await uploads.meta(events.upload);
    const header = meta?.header ?? [];
    for await (const chunk of uploads.chunks(events.upload)) {
      const records =
        meta?.format === 'csv' ? chunk.split('\n').map((line) => csvRecord(header, line)) : jsonLines(chunk);
      yield { source: 'upload', records, arrivals: new Array<number>(records.length).fill(0) };
    }
    return;
  }
  if (events.type === 'retained') throw new Error('a job over the online state reads no history');
  if (reader === undefined) throw new Error('no Kinesis reader in this process');
  for await (const batch of reader.read(events, signal)) {
    yield { source: batch.source, records: batch.payloads.map(json), arrivals: batch.arrivals };
  }
}

/**
 * A chunk of NDJSON lines. JSON text never holds a raw line break, so the chunk is one JSON array with its line
 * breaks as commas: one parse instead of one per line. A chunk with a bad line (or one line holding two values)
 * is parsed line by line.
 */
function jsonLines(chunk: string): unknown[] {
  let lines = 1;
  for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', at + 1)) lines++;
  try {
    const records = JSON.parse(`[${chunk.replaceAll('\n', ',')}]`) as unknown[];
    // A line such as `1,2` would read as two records: then count line by line.
    if (records.length === lines) return records;
  } catch {}
  return chunk.split('\n').map(json);
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function csvRecord(header: readonly string[], line: string): unknown {
  const cells = parseCsvLine(line);
  if (cells === undefined || cells.length !== header.length) return undefined;
  const record: Record<string, unknown> = {};
  header.forEach((name, k) => {
    const v = csvValue(cells[k]!);
    if (v !== undefined) record[name] = v;
  });
  return record;
}
