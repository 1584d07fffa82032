/**
 * Kinesis test kit: the set-up of a test file, kinesalite with an in-process Eddy, or with real worker child
 * processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { startEddy, type TestEddy } from './eddy.js';
import { FAST_KINESIS_ENV, startKinesalite, type TestKinesis } from './kinesis-emulator.js';

export interface WorkerChild {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** A real worker process (`src/main.ts worker`) on the test's Redis and kinesalite. */
export function spawnWorker(env: Record<string, string>): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: process.env.TEST_LOG ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
    if (process.env.TEST_LOG) process.stderr.write(b);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.once('exit', () => child.kill('SIGKILL'));
  return { child, exited, output: () => out };
}

export interface WorkerProcessSuite {
  readonly kinesis: TestKinesis;
  /** Only the API runs in the test process (status and reads); the workers are child processes. */
  readonly eddy: TestEddy;
  /** Starts a worker process, killed when the test file ends. */
  spawn(env: Record<string, string>): WorkerChild;
}

export interface InProcessSuite {
  readonly kinesis: TestKinesis;
  readonly eddy: TestEddy;
}

/**
 * kinesalite and an in-process Eddy (API and workers, or the given roles) reading from it, for the tests of one
 * file: started before them, closed after. `env` goes over FAST_KINESIS_ENV.
 */
export function inProcessSuite(
  env: Record<string, string> = {},
  roles = { api: true, worker: true },
): InProcessSuite {
  let kinesis: TestKinesis | undefined;
  let eddy: TestEddy | undefined;
  before(async () => {
    kinesis = await startKinesalite();
    eddy = await startEddy(
      {
        ...FAST_KINESIS_ENV,
        KINESIS_ENDPOINT: kinesis.url,
        LOG_LEVEL: process.env.EDDY_LOG ?? 'silent',
        ...env,
      },
      roles,
    );
  });
  after(async () => {
    await eddy?.close();
    await kinesis?.close();
  });
  return {
    get kinesis() {
      return kinesis!;
    },
    get eddy() {
      return eddy!;
    },
  };
}

/**
 * The set-up of a test file whose workers are real processes: kinesalite and an API-only Eddy before the tests,
 * every worker it spawned killed and both closed after them.
 */
export function workerProcessSuite(): WorkerProcessSuite {
  const children: WorkerChild[] = [];
  after(() => {
    for (const c of children) c.child.kill('SIGKILL'); // before the API and kinesalite close (hooks run in order)
  });
  return Object.assign(inProcessSuite({}, { api: true, worker: false }), {
    spawn(env: Record<string, string>) {
      const w = spawnWorker(env);
      children.push(w);
      return w;
    },
  });
}
