/**
 * The NAB sample shipped in data/nab (pure: parsing only; nab-files.ts reads the files). Each series is one
 * sensor. NAB timestamps carry no zone; they are read as UTC.
 */

export interface NabSeries {
  /** The sensor id the demo gives the series (the entity id). */
  sensor: string;
  /** File name under data/nab/series/, also its key in NAB's label files (`realKnownCause/<file>`). */
  file: string;
  description: string;
}

export const NAB_SERIES: readonly NabSeries[] = [
  {
    sensor: 'machine_temperature',
    file: 'machine_temperature_system_failure.csv',
    description: 'Industrial machine temperature; ends in a catastrophic failure',
  },
  {
    sensor: 'ambient_temperature',
    file: 'ambient_temperature_system_failure.csv',
    description: 'Office ambient temperature (hourly)',
  },
  {
    sensor: 'cpu_utilization',
    file: 'cpu_utilization_asg_misconfiguration.csv',
    description: 'AWS CloudWatch CPU utilisation; auto-scaling group misconfiguration',
  },
  {
    sensor: 'ec2_latency',
    file: 'ec2_request_latency_system_failure.csv',
    description: 'AWS CloudWatch EC2 request latency before a system failure',
  },
];

export interface Reading {
  /** Epoch ms UTC. */
  t: number;
  value: number;
}

/** `2013-12-02 21:15:00` or `2013-12-10 06:25:00.000000` (no zone: UTC) → epoch ms. */
export function parseNabTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) throw new Error(`not a NAB timestamp: '${text}'`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/** A NAB CSV (`timestamp,value` header, one reading a line) → readings in file order. */
export function parseNabCsv(text: string): Reading[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'timestamp,value') throw new Error('expected the header "timestamp,value"');
  return lines.slice(1).map((line, i) => {
    const [time, raw, ...rest] = line.split(',');
    const value = Number(raw);
    if (
      time === undefined ||
      rest.length > 0 ||
      raw === undefined ||
      raw.trim() === '' ||
      !Number.isFinite(value)
    )
      throw new Error(`line ${i + 2}: expected "timestamp,value"`);
    return { t: parseNabTime(time), value };
  });
}

export interface AnomalyWindow {
  /** ISO-8601 UTC. */
  start: string;
  end: string;
}

/**
 * NAB's combined_windows.json (`{"realKnownCause/<file>": [[start, end], ...]}`) → sensor id → windows, for the
 * series in NAB_SERIES only.
 */
export function anomalyWindowsBySensor(windowsJson: unknown): Record<string, AnomalyWindow[]> {
  const all = windowsJson as Record<string, [string, string][] | undefined>;
  const out: Record<string, AnomalyWindow[]> = {};
  for (const s of NAB_SERIES) {
    out[s.sensor] = (all[`realKnownCause/${s.file}`] ?? []).map(([start, end]) => ({
      start: new Date(parseNabTime(start)).toISOString(),
      end: new Date(parseNabTime(end)).toISOString(),
    }));
  }
  return out;
}
