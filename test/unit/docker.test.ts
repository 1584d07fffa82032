/**
 * Docker is not run here, so this checks the files themselves (with a minimal parser: no YAML library): every
 * command the image and compose file run is an npm script of package.json (the same scripts CI exercises), and
 * the image and Redis are set up as production needs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const dockerfile = read('docker/Dockerfile');
const compose = read('docker/compose.yml');

/** JSON-array commands (`CMD [...]`, `command: [...]`) of a file. */
const commands = (text: string, keyword: RegExp) =>
  [...text.matchAll(keyword)].map((m) => JSON.parse(m[1]!) as string[]);

/** The npm script an argv runs, if it is `npm run <script>` or `npm start`. */
function npmScript(argv: string[]): string | null {
  if (argv[0] !== 'npm') return null;
  if (argv[1] === 'start') return 'start';
  assert.equal(argv[1], 'run', `unexpected npm command ${argv.join(' ')}`);
  return argv[2]!;
}

/** Service name -> its block of compose.yml (two-space-indented keys under `services:`). */
function services(text: string): Map<string, string> {
  const body = text.split(/^services:\n/m)[1]!.split(/^\S/m)[0]!;
  const out = new Map<string, string>();
  for (const block of body.split(/^(?= {2}[a-z][\w-]*:\n)/m)) {
    const name = /^ {2}([a-z][\w-]*):\n/.exec(block)?.[1];
    if (name) out.set(name, block);
  }
  return out;
}

test('the image: multi-stage, production dependencies only, non-root, health check, npm script command', () => {
  assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, 'multi-stage');
  assert.match(dockerfile, /npm ci --omit=dev/);
  const user = /^USER (\S+)/m.exec(dockerfile)?.[1];
  assert.ok(user && user !== 'root' && user !== '0', `runs as ${user}`);
  assert.match(dockerfile, /^HEALTHCHECK .*\n?.*\/healthz/m);
  const cmd = commands(dockerfile, /^CMD (\[.*\])$/gm);
  assert.equal(cmd.length, 1);
  assert.equal(npmScript(cmd[0]!), 'start:api');
});

test('compose: Redis with AOF and noeviction, kinesalite, the SageMaker emulator, the API and two workers', () => {
  const s = services(compose);
  assert.deepEqual([...s.keys()].sort(), ['api', 'kinesalite', 'redis', 'sagemaker', 'worker']);
  const redis = commands(s.get('redis')!, /command:\s*(\[[^\]]*\])/g)[0]!;
  assert.ok(redis.join(' ').includes('--appendonly yes'), 'AOF');
  assert.ok(redis.join(' ').includes('--maxmemory-policy noeviction'), 'noeviction');
  assert.match(s.get('worker')!, /replicas: 2/);
  assert.equal(npmScript(commands(s.get('kinesalite')!, /command:\s*(\[[^\]]*\])/g)[0]!), 'emulator:kinesis');
  assert.match(s.get('kinesalite')!, /HOST: 0\.0\.0\.0/);
});

test('every npm command in the image and compose file is a package.json script running the tested entry', () => {
  const argvs = [
    ...commands(dockerfile, /^CMD (\[.*\])$/gm),
    ...commands(compose, /command:\s*(\[[^\]]*\])/g),
  ];
  const used = argvs.map(npmScript).filter((s): s is string => s !== null);
  assert.deepEqual([...new Set(used)].sort(), [
    'emulator:kinesis',
    'emulator:sagemaker',
    'start:api',
    'start:worker',
  ]);
  for (const script of used) assert.ok(scripts[script], `package.json has no script '${script}'`);
  // The process tests spawn src/main.ts with these roles: the scripts must stay that entry (through tsx, with
  // the environment and Node flags `npm start` uses), exec'd so that signals reach node.
  const entry = (role: string) =>
    new RegExp(`^exec env ([A-Z_]+=\\S+ )*node (--\\S+ )*--import tsx src/main\\.ts ${role}$`);
  assert.match(scripts['start:api']!, entry('api'));
  assert.match(scripts['start:worker']!, entry('worker'));
  const flags = (script: string) => script.replace(/--import tsx .*$/, '');
  assert.equal(flags(scripts['start:api']!), flags(scripts.start!));
  assert.equal(flags(scripts['start:worker']!), flags(scripts.start!));
  assert.equal(scripts['emulator:sagemaker'], 'exec tsx src/emulator/sagemaker/main.ts');
  assert.equal(scripts['emulator:kinesis'], 'exec tsx src/emulator/kinesis/main.ts');
});
