/**
 * The `last` intermediate: the value of the event with the greatest event time, ties to the later arrival.
 *
 * Layout: three numbers at an offset `o` of a number array (plain or Float64Array):
 *   [o+0] t  event time, epoch ms (UTC)
 *   [o+1] a  arrival rank within the entity (strictly increasing over accepted events)
 *   [o+2] v  the value
 * Whether the slot holds a value is the owner's business (tiles use the field's moment count; the
 * lifetime base uses an empty array).
 */

import type { Slots } from './moments.js';

export const LAST_SIZE = 3;

/** True when (t1, a1) is more recent than (t2, a2): greater event time, ties to the later arrival. */
export const isMoreRecent = (t1: number, a1: number, t2: number, a2: number): boolean =>
  t1 > t2 || (t1 === t2 && a1 > a2);

/** Writes (t, a, v) at o when the slot is empty or (t, a) is more recent than what it holds. */
export function updateLast(m: Slots, o: number, hasValue: boolean, t: number, a: number, v: number): void {
  if (hasValue && !isMoreRecent(t, a, m[o]!, m[o + 1]!)) return;
  m[o] = t;
  m[o + 1] = a;
  m[o + 2] = v;
}
