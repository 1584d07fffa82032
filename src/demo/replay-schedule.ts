/**
 * Replaying recorded series in compressed time (pure: the caller passes elapsed wall time). Every series starts
 * at the replay's start and advances `dataMsPerSecond` of its own time per second of wall time, so series that
 * were recorded in different months play side by side. Records keep their original timestamps and go out in
 * file order: a reading older than one before it (machine_temperature repeats an hour on 2014-01-07) goes out
 * right after that one, so the consumer sees it out of order, as a real stream would deliver it.
 */
import type { Reading } from './nab.js';

export interface ReplaySeries {
  sensor: string;
  /** In arrival (file) order; mostly ascending by t. */
  readings: readonly Reading[];
}

export interface ReplayRecord {
  sensor: string;
  /** Original event time, epoch ms UTC. */
  t: number;
  value: number;
  /** `<sensor>-<index in its series>`: unique per reading, stable across runs. */
  id: string;
}

export class ReplaySchedule {
  private readonly next: number[];
  private readonly starts: number[];
  /** Per series, per reading: the greatest t up to and including it (when it falls due). */
  private readonly dueAt: number[][];
  private taken = 0;
  readonly total: number;

  /** @param dataMsPerSecond data time replayed per second of wall time (86_400_000: a day per second). */
  constructor(
    private readonly series: readonly ReplaySeries[],
    readonly dataMsPerSecond: number,
  ) {
    if (!(dataMsPerSecond > 0)) throw new RangeError('dataMsPerSecond must be positive');
    this.dueAt = series.map((s) => {
      let max = -Infinity;
      return s.readings.map((r) => {
        max = Math.max(max, r.t);
        return max;
      });
    });
    this.next = series.map(() => 0);
    this.starts = series.map((s) => s.readings[0]?.t ?? 0);
    this.total = series.reduce((n, s) => n + s.readings.length, 0);
  }

  /** Wall-clock ms the whole replay takes. */
  get durationMs(): number {
    const spans = this.dueAt.map((due, i) => (due.at(-1) ?? 0) - this.starts[i]!);
    return (Math.max(0, ...spans) / this.dataMsPerSecond) * 1000;
  }

  get done(): boolean {
    return this.taken === this.total;
  }

  get sent(): number {
    return this.taken;
  }

  /** Data time a series has reached after `elapsedMs` of wall time (capped at its last reading). */
  dataTime(sensorIndex: number, elapsedMs: number): number {
    const reached = this.starts[sensorIndex]! + (elapsedMs / 1000) * this.dataMsPerSecond;
    return Math.min(reached, this.dueAt[sensorIndex]!.at(-1) ?? reached);
  }

  /**
   * Every reading due after `elapsedMs` of wall time and not taken by an earlier call, series by series, each in
   * file order. A reading is due once its series' data clock (first t + elapsed data time) reaches the greatest t
   * of the readings up to it.
   */
  take(elapsedMs: number): ReplayRecord[] {
    const out: ReplayRecord[] = [];
    const dataElapsed = (elapsedMs / 1000) * this.dataMsPerSecond;
    this.series.forEach((s, i) => {
      const until = this.starts[i]! + dataElapsed;
      const due = this.dueAt[i]!;
      let k = this.next[i]!;
      while (k < s.readings.length && due[k]! <= until) {
        const r = s.readings[k]!;
        out.push({ sensor: s.sensor, t: r.t, value: r.value, id: `${s.sensor}-${k}` });
        k++;
      }
      this.next[i] = k;
    });
    this.taken += out.length;
    return out;
  }
}
