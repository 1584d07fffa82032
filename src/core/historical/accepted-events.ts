/**
 * One entity's accepted events while a historical pass reads its source: each event as its time followed by the
 * view's fields (NaN: absent; decoded values are always finite), in blocks of doubles. A pass holds millions of
 * events until its rows are computed. As two objects per event (the event, its values) they outlived every
 * young-generation collection and were copied by each, which cost more than the engine's work on them; a
 * typed array keeps its numbers outside the JS heap, so the collector never copies them. Blocks double in size
 * (16 to 4,096 events), so an entity with few events holds little and one with many allocates rarely. Ids are
 * dropped: acceptance is judged already.
 */
import type { EngineEvent } from '../event.js';

const FIRST_BLOCK = 16;
const LARGEST_BLOCK = 4096;

export class AcceptedEvents {
  private readonly blocks: Float64Array[] = [];
  private block: Float64Array | null = null;
  /** Next free number in `block`. */
  private at = 0;
  private readonly width: number;
  /** Events held. */
  length = 0;

  constructor(private readonly fields: readonly string[]) {
    this.width = 1 + fields.length;
  }

  push(event: EngineEvent): void {
    const { fields, width } = this;
    let block = this.block;
    if (block === null || this.at + width > block.length) {
      const events = Math.min(LARGEST_BLOCK, Math.max(FIRST_BLOCK, this.length));
      block = new Float64Array(events * width);
      this.blocks.push(block);
      this.block = block;
      this.at = 0;
    }
    let at = this.at;
    block[at++] = event.t;
    for (let i = 0; i < fields.length; i++) {
      const v = event.values[fields[i]!];
      block[at++] = v === undefined ? Number.NaN : v;
    }
    this.at = at;
    this.length++;
  }

  /** The events in the order pushed, without ids; each value object lists its fields in the view's order. */
  events(): EngineEvent[] {
    const { fields, width } = this;
    const out = new Array<EngineEvent>(this.length);
    let k = 0;
    for (const block of this.blocks) {
      for (let at = 0; at + width <= block.length && k < out.length; at += width, k++) {
        const values: Record<string, number> = {};
        for (let i = 0; i < fields.length; i++) {
          const v = block[at + 1 + i]!;
          if (!Number.isNaN(v)) values[fields[i]!] = v;
        }
        out[k] = { t: block[at]!, values };
      }
    }
    return out;
  }
}
