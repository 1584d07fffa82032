import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv, parseNdjson } from '../../scripts/lib/records-file.js';

test('CSV: header row, numbers parsed as numbers, quoted fields, empty fields left out', () => {
  const text =
    'sensor_id,ts,temperature,note\r\ns1,1767225600000,-20.5,"a, ""quoted"" note"\n"s,2",1e3,,\n\n7,.5,+3,x';
  assert.deepEqual(parseCsv(text), [
    { sensor_id: 's1', ts: 1767225600000, temperature: -20.5, note: 'a, "quoted" note' },
    { sensor_id: 's,2', ts: 1000 },
    { sensor_id: 7, ts: 0.5, temperature: 3, note: 'x' },
  ]);
  assert.deepEqual(parseCsv(''), []);
});

test('NDJSON: one JSON value per line, blank lines skipped, a bad line named', () => {
  assert.deepEqual(parseNdjson('{"a":1}\n\n[2]\r\n"x"\n'), [{ a: 1 }, [2], 'x']);
  assert.throws(() => parseNdjson('{"a":1}\nnope'), /line 2/);
});
