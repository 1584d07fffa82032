/**
 * Reads a stored spine (an upload, CSV or NDJSON) row by row, keeping the rows of one entity partition. A bad
 * row fails the job with its line number: a training set with silently missing rows is worse than none.
 */
import { EddyError, ErrorCode } from '../../core/errors.js';
import { parseCsvLine } from '../../core/historical/csv.js';
import { partitionOf } from '../../core/historical/entity-partition.js';
import { parseSpineRow, type SpineRow } from '../../core/historical/spine-row.js';
import type { HistoricalUploads, UploadMeta } from '../../ports/historical.js';

/** A spine row with its 0-based position in the spine and among the rows of its partition. */
export interface IndexedRow extends SpineRow {
  index: number;
  slot: number;
}

export const invalidSpine = (line: number, reason: string) =>
  new EddyError(ErrorCode.INVALID_SPINE, `spine line ${line}: ${reason}`, undefined, { line });

/** Rows of the partition grouped by entity, in spine order; 'too-large' when they are more than `maxRows`. */
export async function readSpinePartition(
  uploads: HistoricalUploads,
  meta: UploadMeta,
  reserved: ReadonlySet<string>,
  partition: number,
  partitions: number,
  maxRows: number,
): Promise<Map<string, IndexedRow[]> | 'too-large'> {
  const byEntity = new Map<string, IndexedRow[]>();
  let index = 0;
  let held = 0;
  for await (const lines of uploads.read(meta.id)) {
    for (const line of lines) {
      const i = index++;
      const raw = spineRecord(meta, line, i);
      const parsed = parseSpineRow(raw, reserved);
      if (!parsed.ok) throw invalidSpine(lineNumber(meta, i), parsed.reason);
      const { row } = parsed;
      if (partitionOf(row.entity, partitions) !== partition) continue;
      let rows = byEntity.get(row.entity);
      if (rows === undefined) {
        rows = [];
        byEntity.set(row.entity, rows);
      }
      rows.push({ entity: row.entity, t: row.t, columns: row.columns, index: i, slot: held });
      if (rows.length > maxRows) {
        throw new EddyError(
          ErrorCode.JOB_TOO_LARGE,
          `entity '${row.entity.slice(0, 64)}' alone has more than ${maxRows} spine rows (EDDY_HISTORICAL_MAX_ROWS)`,
        );
      }
      if (++held > maxRows) return 'too-large';
    }
  }
  return byEntity;
}

/** 1-based line of the upload (CSV counts its header). */
const lineNumber = (meta: UploadMeta, index: number) => index + (meta.format === 'csv' ? 2 : 1);

function spineRecord(meta: UploadMeta, line: string, index: number): unknown {
  if (meta.format === 'ndjson') {
    try {
      return JSON.parse(line);
    } catch {
      throw invalidSpine(lineNumber(meta, index), 'not valid JSON');
    }
  }
  const cells = parseCsvLine(line);
  const header = meta.header ?? [];
  if (cells === undefined || cells.length !== header.length) {
    throw invalidSpine(lineNumber(meta, index), `expected ${header.length} CSV fields`);
  }
  const record: Record<string, string> = {};
  header.forEach((name, k) => {
    record[name] = cells[k]!;
  });
  return record;
}
