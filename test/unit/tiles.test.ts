/**
 * The tile array (core/tiles.ts) against a model (a sorted map of tile index to its contents) under generated
 * sequences of inserts (in order, out of order, repeated) and prunes: the tiles stay sorted and unique, every
 * tile keeps its numbers through growth, moves and prunes, and a prune hands back exactly the tiles it removed.
 * A reservation of n tiles changes no number and lets the next n appends happen without a new buffer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  emptyTiles,
  lowerBound,
  pruneTiles,
  reserveTiles,
  type TileHolder,
  tileAt,
  tileStride,
} from '../../src/core/tiles.js';

// Mostly growth, so the array outgrows its buffer (8 tiles at first, then doubling) with tiles in it.
const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      idx: fc.integer({ min: -50, max: 200 }),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('append' as const), step: fc.integer({ min: 0, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('prune' as const), floor: fc.integer({ min: -60, max: 220 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reserve' as const), more: fc.integer({ min: 0, max: 40 }) }),
  },
);

test('tiles stay sorted, unique and intact through inserts, appends and prunes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3 }),
      fc.array(op, { minLength: 20, maxLength: 200 }),
      (fieldCount, ops) => {
        const stride = tileStride(fieldCount);
        const holder: TileHolder = { tiles: emptyTiles() };
        const model = new Map<number, number[]>();
        let next = 0;
        const touch = (idx: number, value: number) => {
          const at = tileAt(holder, idx, stride);
          assert.equal(holder.tiles[at], idx);
          holder.tiles[at + 1]! += 1;
          holder.tiles[at + stride - 1] = value; // the last number of the tile: moves with it
          const m = model.get(idx) ?? Array.from({ length: stride }, (_, k) => (k === 0 ? idx : 0));
          m[1]! += 1;
          m[stride - 1] = value;
          model.set(idx, m);
        };
        for (const o of ops) {
          if (o.kind === 'add') touch(o.idx, o.value);
          else if (o.kind === 'append') {
            next = Math.max(next, ...model.keys()) + o.step;
            touch(next, next);
          } else if (o.kind === 'reserve') {
            reserveTiles(holder, stride, o.more);
            const buffer = holder.tiles.buffer;
            for (let i = 0; i < o.more; i++) {
              next = Math.max(next, ...model.keys()) + 1;
              touch(next, next);
            }
            assert.equal(
              holder.tiles.buffer,
              buffer,
              `${o.more} appends after reserving ${o.more} kept the buffer`,
            );
          } else {
            const removed = pruneTiles(holder, stride, o.floor);
            const gone = [...model.keys()].filter((k) => k <= o.floor).sort((a, b) => a - b);
            assert.deepEqual(
              [...removed],
              gone.flatMap((k) => model.get(k)!),
            );
            for (const k of gone) model.delete(k);
          }
          const keys = [...model.keys()].sort((a, b) => a - b);
          assert.deepEqual(
            [...holder.tiles],
            keys.flatMap((k) => model.get(k)!),
          );
          for (const probe of [-100, ...keys, 300])
            assert.equal(lowerBound(holder.tiles, stride, probe), keys.filter((k) => k < probe).length);
        }
      },
    ),
    { numRuns: 300 },
  );
});
