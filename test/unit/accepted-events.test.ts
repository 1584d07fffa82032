/**
 * AcceptedEvents (src/core/historical/accepted-events.ts): a historical pass's accepted events held as blocks of
 * numbers come back exactly as pushed — times, present fields only, ids dropped — across block boundaries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/core/event.js';
import { AcceptedEvents } from '../../src/core/historical/accepted-events.js';

describe('accepted events', () => {
  it('returns the events as pushed, absent fields absent, without ids', () => {
    const held = new AcceptedEvents(['x', 'y']);
    held.push({ t: 1_700_000_000_123, id: 'a', values: { x: 1.5, y: -2 } });
    held.push({ t: -5, values: { y: 0 } });
    held.push({ t: 7, values: {} });
    held.push({ t: 8, values: { x: -0, y: 1e100 } });
    assert.equal(held.length, 4);
    assert.deepEqual(held.events(), [
      { t: 1_700_000_000_123, values: { x: 1.5, y: -2 } },
      { t: -5, values: { y: 0 } },
      { t: 7, values: {} },
      { t: 8, values: { x: -0, y: 1e100 } },
    ]);
    assert.deepEqual(Object.keys(held.events()[0]!.values), ['x', 'y']);
  });

  it('keeps order and values across many blocks', () => {
    const held = new AcceptedEvents(['v']);
    const pushed: EngineEvent[] = [];
    for (let k = 0; k < 10_000; k++) {
      const e: EngineEvent = { t: 1000 + (k % 97) * 13, values: k % 3 === 0 ? {} : { v: k / 7 } };
      pushed.push(e);
      held.push(e);
    }
    const back = held.events();
    assert.equal(back.length, 10_000);
    for (let k = 0; k < 10_000; k++) {
      assert.equal(back[k]!.t, 1000 + (k % 97) * 13);
      assert.deepEqual(back[k]!.values, k % 3 === 0 ? {} : { v: k / 7 });
    }
  });

  it('holds nothing for a view without fields but the times', () => {
    const held = new AcceptedEvents([]);
    for (let k = 0; k < 40; k++) held.push({ t: k, values: {} });
    assert.deepEqual(
      held.events().map((e) => e.t),
      Array.from({ length: 40 }, (_, k) => k),
    );
  });

  it('is empty before any push', () => {
    assert.deepEqual(new AcceptedEvents(['x']).events(), []);
  });
});
