/**
 * The client package as users get it: its generated types and built files match the committed OpenAPI document
 * (a fresh build in memory equals the committed files), and `npm pack` makes a tarball whose built entry works
 * when imported from the unpacked package.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { buildClient, CLIENT_DIR } from '../../clients/typescript/scripts/build.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';

const run = promisify(execFile);
let work: string;
let eddy: TestEddy;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'eddy-client-pack-'));
  eddy = await startEddy();
});
after(async () => {
  await eddy.close();
  await rm(work, { recursive: true, force: true });
});

test('the committed schema.ts and dist/ equal a fresh build from openapi/openapi.json (run npm run openapi)', async () => {
  const built = await buildClient();
  for (const [file, text] of built) {
    assert.equal(
      await readFile(join(CLIENT_DIR, file), 'utf8'),
      text,
      `${file} is stale: run npm run openapi`,
    );
  }
  const committed = (await readdir(join(CLIENT_DIR, 'dist'))).map((f) => `dist/${f}`).sort();
  assert.deepEqual(committed, [...built.keys()].filter((f) => f.startsWith('dist/')).sort());
});

test('npm pack makes a tarball with the built entry, and the unpacked package reads from the real app', async () => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: CLIENT_DIR });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed!.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'README.md',
    'dist/index.d.ts',
    'dist/index.js',
    'dist/schema.d.ts',
    'dist/schema.js',
    'package.json',
  ]);
  const tarball = join(work, packed!.filename);
  const listing = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean).sort();
  assert.ok(listing.includes('package/dist/index.js') && listing.includes('package/dist/index.d.ts'));

  // Unpacked beside a node_modules with its dependency (openapi-fetch), as an install would place it.
  await run('tar', ['-xzf', tarball, '-C', work]);
  await symlink(join(CLIENT_DIR, '..', '..', 'node_modules'), join(work, 'node_modules'));
  const pkg = JSON.parse(await readFile(join(work, 'package', 'package.json'), 'utf8'));
  const entry = join(work, 'package', pkg.exports['.'].default);
  const { createEddyClient } = (await import(
    entry
  )) as typeof import('../../clients/typescript/dist/index.js');
  const base = await eddy.app.listen({ port: 0, host: '127.0.0.1' });
  const client = createEddyClient({ baseUrl: base });
  assert.deepEqual(await client.featureViews.list(), { items: [] });
});
