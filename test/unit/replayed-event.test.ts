/** A stored push event (a failed batch's dead letter) is checked before a replay queues it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { distinctToken } from '../../src/core/distinct-token.js';
import { checkStoredEvent, storedEventOf } from '../../src/core/replayed-event.js';

describe('stored push events', () => {
  test('an event round-trips through its stored JSON form, tokens and ids included', () => {
    const event = { t: 1_700_000_000_000, id: 'r-1', values: { x: 1.5, level: distinctToken('high') } };
    const stored = JSON.parse(JSON.stringify(storedEventOf('s/1', event)));
    assert.deepEqual(checkStoredEvent(stored), { ok: true, events: [{ entity: 's/1', event }], filtered: 0 });
    const { id: _, ...withoutId } = event;
    const checked = checkStoredEvent(JSON.parse(JSON.stringify(storedEventOf('s/1', withoutId))));
    assert.ok(checked.ok && !('id' in checked.events[0]!.event));
  });

  test('anything else is rejected with the code of what is wrong', () => {
    const good = { entity: 'e', t: 1, values: { x: 1 } };
    const cases: [unknown, string][] = [
      [null, 'NOT_AN_OBJECT'],
      [[good], 'NOT_AN_OBJECT'],
      [{ ...good, entity: '' }, 'ENTITY_KEY_INVALID'],
      [{ ...good, entity: 'e'.repeat(257) }, 'ENTITY_KEY_INVALID'],
      [{ ...good, t: '1' }, 'EVENT_TIME_INVALID'],
      [{ ...good, id: 7 }, 'EVENT_ID_INVALID'],
      [{ ...good, values: [1] }, 'NOT_AN_OBJECT'],
      [{ ...good, values: { x: 'one' } }, 'FIELD_NOT_A_NUMBER'],
      [{ ...good, values: { x: null } }, 'FIELD_NOT_A_NUMBER'],
    ];
    for (const [stored, code] of cases) {
      const checked = checkStoredEvent(stored);
      assert.equal(checked.ok ? 'ok' : checked.code, code, JSON.stringify(stored)?.slice(0, 80));
    }
  });

  test('a field named __proto__ stays data', () => {
    const checked = checkStoredEvent(JSON.parse('{"entity":"e","t":1,"values":{"__proto__":3}}'));
    assert.ok(checked.ok);
    const values = checked.events[0]!.event.values;
    assert.equal(Object.getPrototypeOf(values), Object.prototype);
    assert.deepEqual(Object.entries(values), [['__proto__', 3]]);
  });
});
