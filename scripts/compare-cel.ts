// Compares the two installed CEL libraries, @marcbachmann/cel-js and @bufbuild/cel, on
// (a) conformance: the cel-spec conformance tests shipped in @bufbuild/cel-spec, limited to tests whose
//     outcome is a plain value (int/uint/double/string/bool/null/bytes, lists/maps of them) or an error,
//     with no container, no proto messages (in values or in the expression) and no type environment
//     beyond variable declarations;
// (b) speed: a per-record transform (each = payload.readings, one filter, three fields), parsed/planned
//     once and evaluated many times; reports parse+compile time and evaluations/s (median of 5 runs).
// Each library runs with its defaults (no extension functions, no optional types enabled).
// Run: npx tsx scripts/compare-cel.ts   (CEL_FAILURES=1 also lists every non-passing test on stderr)
import { celEnv, celUint, isCelError, isCelList, isCelMap, isCelUint, parse, plan, run } from '@bufbuild/cel';
import { tests } from '@bufbuild/cel-spec/testdata/conformance.js';
import { Environment } from '@marcbachmann/cel-js';

// biome-ignore lint/suspicious/noExplicitAny: conformance data is untyped JSON
type Json = any;
type Fn = (ctx: Record<string, unknown>) => unknown;
type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
interface Lib {
  name: string;
  uint: (v: bigint) => unknown;
  evaluate: (expr: string, bindings: Record<string, unknown>) => Outcome; // one-shot, for conformance
  compile: (expr: string) => Fn; // parse/plan once, for speed
}

const menv = new Environment({ unlistedVariablesAreDyn: true });
const MUint = menv.evaluate('0u').constructor as new (v: bigint) => unknown; // not exported by the package
const benv = celEnv();
const libs: Lib[] = [
  {
    name: 'marcbachmann/cel-js',
    uint: (v) => new MUint(v),
    evaluate: (expr, b) => ({ ok: true, value: menv.evaluate(expr, b) }),
    compile: (expr) => menv.parse(expr),
  },
  {
    name: 'bufbuild/cel',
    uint: (v) => celUint(v),
    evaluate: (expr, b) => {
      const r = run(expr, b as never);
      return isCelError(r) ? { ok: false, error: r.message } : { ok: true, value: r };
    },
    compile: (expr) => {
      const fn = plan(benv, parse(expr));
      return (ctx) => {
        const r = fn(ctx as never);
        if (isCelError(r)) throw new Error(r.message);
        return r;
      };
    },
  },
];

// ---- (a) conformance -------------------------------------------------------------------------------
const SCALAR = /^(int64|uint64|double|string|bool|null|bytes)Value$/;
function plainValue(v: Json): boolean {
  const k = Object.keys(v ?? {})[0] ?? '';
  if (SCALAR.test(k)) return true;
  if (k === 'listValue') return (v.listValue.values ?? []).every(plainValue);
  if (k === 'mapValue')
    return (v.mapValue.entries ?? []).every((e: Json) => plainValue(e.key) && plainValue(e.value));
  return false;
}
function comparable(t: Json): boolean {
  if (t.container || t.checkOnly || /google\.protobuf\.|cel\.expr\.|TestAllTypes/.test(t.expr)) return false;
  if (!(t.evalError || (t.value && plainValue(t.value)))) return false;
  const declOk = (e: Json) =>
    e.ident && !/messageType|wellKnown|wrapper|abstractType/.test(JSON.stringify(e));
  if (!(t.typeEnv ?? []).every(declOk)) return false;
  return Object.values(t.bindings ?? {}).every((b: Json) => b.value && plainValue(b.value));
}

// Spec value -> library input.
function toInput(v: Json, lib: Lib): unknown {
  if ('int64Value' in v) return BigInt(v.int64Value);
  if ('uint64Value' in v) return lib.uint(BigInt(v.uint64Value));
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(v.bytesValue, 'base64'));
  if ('nullValue' in v) return null;
  if ('listValue' in v) return (v.listValue.values ?? []).map((x: Json) => toInput(x, lib));
  if ('mapValue' in v)
    return new Map((v.mapValue.entries ?? []).map((e: Json) => [toInput(e.key, lib), toInput(e.value, lib)]));
  return v.stringValue ?? v.boolValue;
}
// Spec value -> canonical string (maps sorted; NaN == NaN, -0 != 0).
function specKey(v: Json): string {
  if ('int64Value' in v) return `i:${BigInt(v.int64Value)}`;
  if ('uint64Value' in v) return `u:${BigInt(v.uint64Value)}`;
  if ('doubleValue' in v) return dbl(Number(v.doubleValue));
  if ('stringValue' in v) return `s:${JSON.stringify(v.stringValue)}`;
  if ('boolValue' in v) return `b:${v.boolValue}`;
  if ('nullValue' in v) return 'null';
  if ('bytesValue' in v) return `y:${Buffer.from(v.bytesValue, 'base64').toString('hex')}`;
  if ('listValue' in v) return `[${(v.listValue.values ?? []).map(specKey).join(',')}]`;
  return mapKey((v.mapValue.entries ?? []).map((e: Json) => [specKey(e.key), specKey(e.value)]));
}
// Library result -> the same canonical string.
function valueKey(x: unknown): string {
  if (typeof x === 'bigint') return `i:${x}`;
  if (typeof x === 'number') return dbl(x);
  if (typeof x === 'string') return `s:${JSON.stringify(x)}`;
  if (typeof x === 'boolean') return `b:${x}`;
  if (x === null) return 'null';
  if (isCelUint(x)) return `u:${x.value}`;
  if (x instanceof MUint) return `u:${BigInt((x as { value: bigint }).value)}`;
  if (x instanceof Uint8Array) return `y:${Buffer.from(x).toString('hex')}`;
  if (Array.isArray(x) || isCelList(x)) return `[${[...(x as Iterable<unknown>)].map(valueKey).join(',')}]`;
  if (x instanceof Map || isCelMap(x))
    return mapKey([...x.entries()].map(([k, v]) => [valueKey(k), valueKey(v)]));
  if (typeof x === 'object' && x.constructor === Object)
    return mapKey(Object.entries(x).map(([k, v]) => [valueKey(k), valueKey(v)]));
  return `?${String(x)}`;
}
const dbl = (n: number) => `d:${Object.is(n, -0) ? '-0' : n}`;
const mapKey = (es: string[][]) =>
  `{${es
    .map(([k, v]) => `${k}:${v}`)
    .sort()
    .join(',')}}`;

type Count = { pass: number; fail: number; threw: number; skip: number };
const zero = (): Count => ({ pass: 0, fail: 0, threw: 0, skip: 0 });
const counts = new Map<string, Count[]>(); // suite -> one Count per library
const failures: string[][] = libs.map(() => []);

function walk(suite: Json, top: string) {
  for (const { original: t } of suite.tests ?? []) {
    if (!counts.has(top)) counts.set(top, libs.map(zero));
    const row = counts.get(top)!;
    const skip = !comparable(t);
    for (const [i, lib] of libs.entries()) {
      const c = row[i]!;
      if (skip) {
        c.skip++;
        continue;
      }
      const bindings = Object.fromEntries(
        Object.entries(t.bindings ?? {}).map(([k, b]: Json) => [k, toInput(b.value, lib)]),
      );
      let out: Outcome;
      try {
        out = lib.evaluate(t.expr, bindings);
      } catch (e) {
        out = { ok: false, error: String((e as Error).message ?? e).split('\n')[0]! };
      }
      const ok = t.evalError ? !out.ok : out.ok && valueKey(out.value) === specKey(t.value);
      if (ok) c.pass++;
      else if (!out.ok) c.threw++;
      else c.fail++;
      if (!ok)
        failures[i]!.push(`${top}/${t.name}: ${t.expr} -> ${out.ok ? valueKey(out.value) : out.error}`);
    }
  }
  for (const s of suite.suites ?? []) walk(s, top || s.name);
}
walk(tests, '');

const cell = (c: Count) => `${c.pass} / ${c.fail} / ${c.threw}`;
const total = libs.map(zero);
console.log(`## Conformance (pass / fail / threw = error where a value was expected)\n`);
console.log(`| suite | comparable | not comparable | ${libs.map((l) => l.name).join(' | ')} |`);
console.log(`|---|---:|---:|${libs.map(() => '---:').join('|')}|`);
for (const [suite, row] of counts) {
  row.forEach((c, i) => {
    for (const k of ['pass', 'fail', 'threw', 'skip'] as const) total[i]![k] += c[k];
  });
  const n = row[0]!.pass + row[0]!.fail + row[0]!.threw;
  console.log(`| ${suite} | ${n} | ${row[0]!.skip} | ${row.map(cell).join(' | ')} |`);
}
const n = total[0]!.pass + total[0]!.fail + total[0]!.threw;
console.log(
  `| **all** | **${n}** | **${total[0]!.skip}** | ${total.map((c) => `**${cell(c)}**`).join(' | ')} |\n`,
);
if (process.env.CEL_FAILURES) {
  for (const [i, l] of libs.entries()) console.error(`# ${l.name}\n${failures[i]!.join('\n')}`);
}

// ---- (b) speed -------------------------------------------------------------------------------------
const record = {
  kind: 'temperature',
  device: { id: 'd7' },
  payload: {
    readings: Array.from({ length: 10 }, (_, i) => ({
      channel: `ch${i}`,
      temp_f: 60 + i * 1.5,
      ts: 1_700_000_000_000n + BigInt(i),
      quality: i % 2 === 0 ? 1.0 : 3.0, // 5 of 10 readings pass the filter
    })),
  },
};
const EXPRS = {
  each: 'payload.readings',
  filter: "kind == 'temperature' && item.quality >= 2.0",
  fields: ["device.id + '/' + item.channel", '(item.temp_f - 32.0) * 5.0 / 9.0', 'item.ts'],
};

function transform(fns: { each: Fn; filter: Fn; fields: Fn[] }, rec: Record<string, unknown>): number {
  let evals = 1;
  for (const item of fns.each(rec) as Iterable<unknown>) {
    const ctx = { ...rec, item };
    evals++;
    if (fns.filter(ctx) !== true) continue;
    for (const f of fns.fields) f(ctx);
    evals += fns.fields.length;
  }
  return evals;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`## Speed (one record = 1 each + 10 filters + 5×3 fields = 26 evaluations; median of 5 runs)\n`);
console.log('| library | parse+compile µs/expr | evaluations/s | records/s |');
console.log('|---|---:|---:|---:|');
for (const { name, compile } of libs) {
  const all = [EXPRS.each, EXPRS.filter, ...EXPRS.fields];
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) for (const e of all) compile(e);
  const compileUs = ((performance.now() - t0) * 1000) / (200 * all.length);
  const fns = { each: compile(EXPRS.each), filter: compile(EXPRS.filter), fields: EXPRS.fields.map(compile) };
  const N = 20_000;
  for (let i = 0; i < N; i++) transform(fns, record); // warm-up
  const evalsPerRecord = transform(fns, record);
  const recRates = Array.from({ length: 5 }, () => {
    const s = performance.now();
    for (let i = 0; i < N; i++) transform(fns, record);
    return (N * 1000) / (performance.now() - s);
  });
  const rec = median(recRates);
  console.log(`| ${name} | ${compileUs.toFixed(1)} | ${fmt(rec * evalsPerRecord)} | ${fmt(rec)} |`);
}
