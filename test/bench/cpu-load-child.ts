/**
 * Keeps one core busy for a share of the time (busy `share` × 10 ms of every 10 ms, sleeping the rest), to measure
 * a baseline beside the CPU load Eddy puts on the same machine. Usage: cpu-load-child.ts <share 0..1> <seconds>.
 * Stops by itself after <seconds> (at most 600), or when killed.
 */
const share = Number(process.argv[2]);
const seconds = Math.min(600, Number(process.argv[3]));
if (!(share >= 0 && share <= 1) || !(seconds > 0)) throw new Error('usage: <share 0..1> <seconds>');
const PERIOD_MS = 10;
const stopAt = Date.now() + seconds * 1000;
const idle = new Int32Array(new SharedArrayBuffer(4));
while (Date.now() < stopAt) {
  const start = performance.now();
  while (performance.now() - start < share * PERIOD_MS) {
    // busy
  }
  Atomics.wait(idle, 0, 0, (1 - share) * PERIOD_MS);
}
