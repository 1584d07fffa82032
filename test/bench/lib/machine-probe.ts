/**
 * Two readings of the machine itself, taken at the start of a run and written with the results, so that runs on
 * different machines can be compared: how fast a plain JavaScript loop runs (CPU speed), and what it costs to
 * touch memory the process has never touched (one page fault per 4 KiB page). The second was 11–17 µs a page on
 * the VMs these benchmarks were tuned on, far above what a page fault usually costs, and the push and Kinesis
 * workers, which allocate fresh buffers and grow their heaps with every large batch, slow down with it.
 */

/** Nanoseconds per iteration of a loop adding `i % 7` (10^8 iterations). */
export function loopNanoseconds(): number {
  const n = 100_000_000;
  const started = process.hrtime.bigint();
  let x = 0;
  for (let i = 0; i < n; i++) x += i % 7;
  const ns = Number(process.hrtime.bigint() - started) / n;
  if (x < 0) throw new Error('unreachable'); // keeps the loop from being optimized away
  return ns;
}

/** Microseconds to touch a fresh 4 KiB page: one write per page of a newly allocated 64 MiB buffer. */
export function freshPageMicroseconds(): number {
  const page = 4096;
  const bytes = new Uint8Array(64 * 1024 * 1024); // zeroed memory the OS maps in on first touch
  const started = process.hrtime.bigint();
  for (let at = 0; at < bytes.length; at += page) bytes[at] = 1;
  return Number(process.hrtime.bigint() - started) / 1000 / (bytes.length / page);
}
