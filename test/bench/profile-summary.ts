/**
 * Summarizes a V8 CPU profile (`npm run bench -- --profile` writes one per server process): self time per
 * function, and total time per file, heaviest first.
 * Usage: node --import tsx test/bench/profile-summary.ts <file.cpuprofile> [top=25] [fn1,fn2,…] [--window=a-b]
 * `--window=a-b` keeps only the samples taken a to b seconds after the profile started (one phase of a run).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const windowArg = process.argv.find((a) => a.startsWith('--window='));
const [file, topArg, inclArg] = process.argv.slice(2).filter((a) => !a.startsWith('--window='));
const [fromS, toS] = windowArg ? windowArg.slice(9).split('-').map(Number) : [0, Infinity];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top] [fn1,fn2,… (inclusive times)]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
let elapsedUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsedUs += delta;
  if (elapsedUs < fromS! * 1e6 || elapsedUs > toS! * 1e6) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const short = (url: string) =>
  url.replace(/^.*\/node_modules\//, '~/').replace(/^.*\/(src|routes|workers|test)\//, '$1/');
const fnSelf = new Map<string, number>();
const fileSelf = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = url ? `${short(url)}:${lineNumber + 1}` : '(native)';
  const name = `${functionName || '(anonymous)'} ${where}`;
  fnSelf.set(name, (fnSelf.get(name) ?? 0) + us);
  const f = url
    ? short(url)
        .replace(/\/[^/]*$/, '/…')
        .replace(/^(~\/(@[^/]+\/)?[^/]+).*$/, '$1')
    : functionName;
  fileSelf.set(f, (fileSelf.get(f) ?? 0) + us);
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
if (inclArg) {
  // Inclusive time of the named functions: every sample under a frame of that name (counted once per sample).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const wanted = new Set(inclArg.split(','));
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (wanted.has(name) && !seen.has(name)) {
        seen.add(name);
        incl.set(name, (incl.get(name) ?? 0) + us);
      }
    }
  }
  show('inclusive time', incl);
}
show('self time by function', fnSelf);
show('self time by package / folder', fileSelf);
