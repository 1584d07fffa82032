/** Reads the NAB sample shipped in the project (data/nab); parsing is in nab.ts. */
import { readFile } from 'node:fs/promises';
import {
  type AnomalyWindow,
  anomalyWindowsBySensor,
  NAB_SERIES,
  type NabSeries,
  parseNabCsv,
  type Reading,
} from './nab.js';

/** data/nab at the project root (this file is src/demo/nab-files.ts). */
export const NAB_DIR = new URL('../../data/nab/', import.meta.url);

export interface LoadedSeries extends NabSeries {
  readings: Reading[];
}

export async function loadNabSeries(series: readonly NabSeries[] = NAB_SERIES): Promise<LoadedSeries[]> {
  return Promise.all(
    series.map(async (s) => ({
      ...s,
      readings: parseNabCsv(await readFile(new URL(`series/${s.file}`, NAB_DIR), 'utf8')),
    })),
  );
}

/** Sensor id → NAB's labelled anomaly windows (ISO-8601 UTC). */
export async function loadAnomalyWindows(): Promise<Record<string, AnomalyWindow[]>> {
  const text = await readFile(new URL('combined_windows.json', NAB_DIR), 'utf8');
  return anomalyWindowsBySensor(JSON.parse(text));
}
