// The isomorphic engine learns a note's size before inflating it (a loose object's header, a pack
// entry's header, a delta's target size), so a 48 MB note from a remote costs a warning, not 48 MB
// of memory. Peak RSS is measured in a child process (test/fixtures/cli-rss.mjs) and compared with a
// generous bound: reading the note whole peaked at 161 MB, refusing it first at 61 MB.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gitEnv, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const MB = 1024 * 1024;
/** Well above the 61 MB measured, well below the 161 MB of inflating a 48 MB note. */
const BOUND_MB = 115;

let repo: TempRepo;
let scratch: string;
const huge: string[] = [];

beforeAll(async () => {
  repo = await tempRepo({ files: { 'src/app.ts': 'export const a = 1;\n' } });
  scratch = mkdtempSync(join(tmpdir(), 'agent-log-iso-huge-'));
  // Two near-identical 48 MB notes: once packed, one is stored as a delta of the other.
  for (const [i, tail] of ['first', 'second'].entries()) {
    const commit = await repo.commit(`huge ${i}`);
    const record = { schema: 'agent-log/v1', kind: 'record', id: `hugerun00${i}`, task: { intent: 'x' } };
    const body = JSON.stringify({ ...record, task: { intent: `${'x'.repeat(48 * MB)} ${tail}` } });
    const file = join(scratch, `${i}.note`);
    writeFileSync(file, body);
    await repo.git('notes', '--ref=agent-log', 'add', '-f', '-F', file, commit);
    huge.push(commit);
  }
}, 300_000);

afterAll(() => {
  repo?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Peak RSS (MB) and stderr of the CLI on the isomorphic engine, run in-process in a child. */
async function run(args: string[]): Promise<{ code: number | null; mb: number; stderr: string }> {
  const out = join(scratch, `rss-${args.join('-').replace(/\W/g, '')}-${Date.now()}`);
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/cli-rss.mjs'), ...args], {
      cwd: repo.dir,
      env: gitEnv({
        CLI_BOOT: join(ROOT, 'dist/cli/boot.js'),
        RSS_OUT: out,
        AGENT_LOG_ENGINE: 'isomorphic',
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', resolve);
  });
  return { code, mb: Number(readFileSync(out, 'utf8')) / 1024, stderr };
}

const warned = (stderr: string, commit: string) =>
  stderr
    .split('\n')
    .filter((l) => l.includes(commit) && l.includes('note of 48 MiB is over the 16 MiB limit')).length;

describe('an oversized note on the isomorphic engine', () => {
  test.each(['loose', 'packed'])(
    '%s: log warns once per huge note and stays under the bound',
    async (shape) => {
      if (shape === 'packed') {
        await repo.git('repack', '-adq', '--window=10');
        // one of the two notes is now a delta of the other: its size comes from the delta's header
        const pack = (await repo.git('rev-parse', '--git-path', 'objects/pack')).trim();
        const { readdirSync } = await import('node:fs');
        const idx = readdirSync(join(repo.dir, pack)).find((n) => n.endsWith('.idx'))!;
        const entries = (await repo.git('verify-pack', '-v', join(pack, idx))).split('\n');
        expect(entries.filter((l) => / blob /.test(l) && l.trim().split(/\s+/).length === 7)).toHaveLength(1);
        rmSync(join(repo.dir, '.git', 'agent-log', 'index'), { recursive: true, force: true });
      }
      const r = await run(['log']);
      expect(r.code, r.stderr).toBe(0);
      for (const c of huge) expect(warned(r.stderr, c), r.stderr).toBe(1);
      expect(r.mb).toBeLessThan(BOUND_MB);
    },
  );

  test('show of a huge note’s commit refuses it with the warning, under the bound', async () => {
    const r = await run(['show', huge[1]!]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('note of 48 MiB is over the 16 MiB limit');
    expect(r.mb).toBeLessThan(BOUND_MB);
  });
});
