// The reporter through the built CLI on real repositories: rollback scripts and `revert` return the
// tree to the run's start, keep later unrelated commits, never execute hostile file names; show/pr
// render what the record holds; the HTML page renders in headless Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const HOSTILE = {
  '$(touch pwned).ts': 'export const a = 1;\n',
  "a'b; rm -rf ~.md": '# notes\n',
  'src/`touch pwned2`.ts': 'x\n',
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function repoWith(files: Record<string, string>) {
  const repo = await tempRepo({ files });
  cleanups.push(() => repo.cleanup());
  return repo;
}

/** A run recorded by hand: start, edit, commit(s), finish. Returns its ID and start tree. */
async function recordedRun(repo: TempRepo, edits: Record<string, string | null>[], task = 'change things') {
  const startTree = (await repo.git('rev-parse', 'HEAD^{tree}')).trim();
  const start = await cli(repo, ['start', '--task', task, '--allow', 'src/**']);
  expect(start.code, start.stderr).toBe(0);
  const id = start.stdout.trim();
  for (const edit of edits) {
    for (const [p, c] of Object.entries(edit)) {
      if (c === null) rmSync(join(repo.dir, p));
      else repo.write(p, c);
    }
    await repo.commit(`edit ${Object.keys(edit).length} files`);
  }
  const finish = await cli(repo, ['finish']);
  expect(finish.code, finish.stderr).toBe(0);
  return { id, startTree };
}

const tree = async (repo: TempRepo) => (await repo.git('rev-parse', 'HEAD^{tree}')).trim();

/** Run a script with bash in the repo; HOME is a scratch directory with a canary file. */
function runBash(repo: TempRepo, script: string) {
  const home = tempDir('agent-log-home-');
  writeFileSync(join(home, 'canary'), 'still here');
  const r = spawnSync('bash', ['-s'], {
    cwd: repo.dir,
    input: script,
    env: gitEnv({ HOME: home }),
    encoding: 'utf8',
  });
  return { ...r, home };
}

function noSideEffects(repo: TempRepo, home?: string) {
  const everywhere = [repo.dir, join(repo.dir, 'src'), home ?? tmpdir(), process.cwd()];
  for (const dir of everywhere) {
    if (!existsSync(dir)) continue;
    expect(readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
  }
  if (home) expect(existsSync(join(home, 'canary'))).toBe(true);
}

describe('rollback script', () => {
  test('reverts the run and returns the tree to the start tree, hostile names staying names', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id, startTree } = await recordedRun(repo, [
      { 'src/app.ts': 'v2\n', ...HOSTILE },
      { 'src/app.ts': 'v3\n' },
    ]);
    const script = await cli(repo, ['rollback', id]);
    expect(script.code, script.stderr).toBe(0);
    const r = runBash(repo, script.stdout);
    expect(r.status, r.stderr).toBe(0);
    expect(await tree(repo)).toBe(startTree);
    noSideEffects(repo, r.home);
  });

  test('keeps later unrelated commits on top', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n', 'docs/a.md': 'a\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n', 'src/new.ts': 'n\n' }]);
    repo.write('docs/later.md', 'later\n');
    repo.write('docs/a.md', 'a2\n');
    await repo.commit('unrelated later work');
    const r = runBash(repo, (await cli(repo, ['rollback', id])).stdout);
    expect(r.status, r.stderr).toBe(0);
    expect(repo.read('src/app.ts')).toBe('v1\n');
    expect(existsSync(join(repo.dir, 'src/new.ts'))).toBe(false);
    expect(repo.read('docs/later.md')).toBe('later\n');
    expect(repo.read('docs/a.md')).toBe('a2\n');
  });

  test('after a squash merge (branch deleted) it reverse-applies the run\u2019s own commits', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n', 'src/old.ts': 'old\n' });
    const startTree = await tree(repo);
    await repo.git('checkout', '-q', '-b', 'feature');
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n', 'src/old.ts': null }, HOSTILE]);
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--squash', 'feature');
    await repo.commit('squashed feature');
    await repo.git('branch', '-q', '-D', 'feature');
    const r = runBash(repo, (await cli(repo, ['rollback', id])).stdout);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Reverse-applying run \w+'s own commits/);
    expect(await tree(repo)).toBe(startTree);
    noSideEffects(repo, r.home);
  });

  test('refuses to run on a dirty tree and changes nothing', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n' }]);
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    repo.write('src/app.ts', 'uncommitted\n');
    const r = runBash(repo, (await cli(repo, ['rollback', id])).stdout);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/uncommitted changes/);
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(head);
    expect(repo.read('src/app.ts')).toBe('uncommitted\n');
  });
});

describe('revert', () => {
  test('reverts the run newest first: the tree returns to the start tree, later commits kept', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id, startTree } = await recordedRun(repo, [
      { 'src/app.ts': 'v2\n', ...HOSTILE },
      { 'src/app.ts': 'v3\n' },
    ]);
    const r = await cli(repo, ['revert', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Plan to undo agent run /);
    expect(r.stdout).toMatch(/reverse-apply 2 commit\(s\), newest first/);
    expect(r.stdout).toMatch(/^Reverted run \w+ in [0-9a-f]{12}/m);
    expect(await repo.git('log', '-1', '--format=%(trailers:key=Agent-Log-Revert,valueonly)')).toBe(
      `${id}\n\n`,
    );
    expect(await tree(repo)).toBe(startTree);
    noSideEffects(repo);
  });

  test('keeps a later unrelated commit', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n' }]);
    repo.write('README.md', 'later\n');
    await repo.commit('later');
    expect((await cli(repo, ['revert', id])).code).toBe(0);
    expect(repo.read('src/app.ts')).toBe('v1\n');
    expect(repo.read('README.md')).toBe('later\n');
  });

  test('--dry-run prints the plan and changes nothing', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n', 'package-lock.json': '{}\n' }]);
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    const r = await cli(repo, ['revert', id, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`git revert --no-commit ${head}`);
    expect(r.stdout).toMatch(/reinstall dependencies \(package-lock\.json changed\): npm ci/);
    expect(r.stdout).toMatch(/dry run: nothing changed/);
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(head);
  });

  test('after a squash merge without adopt, reverse-applies the run\u2019s own patch found in HEAD', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const startTree = await tree(repo);
    await repo.git('checkout', '-q', '-b', 'feature');
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n', ...HOSTILE }]);
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--squash', 'feature');
    await repo.commit('squashed');
    const r = await cli(repo, ['revert', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cherry-picked or rebased/);
    expect(await tree(repo)).toBe(startTree);
  });

  test('refuses a dirty tree with exit 2 and a hint', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n' }]);
    repo.write('src/app.ts', 'dirty\n');
    const r = await cli(repo, ['revert', id]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the working tree has uncommitted changes/m);
    expect(r.stderr).toMatch(/^hint: commit or stash them first$/m);
    expect(repo.read('src/app.ts')).toBe('dirty\n');
  });

  test('a conflict changes nothing and says how to do it by hand', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n' }]);
    repo.write('src/app.ts', 'v2 and later work\n');
    const later = await repo.commit('later edit of the same line');
    const r = await cli(repo, ['revert', id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: undoing run \w+ conflicts with later changes in src\/app\.ts; nothing was changed$/m,
    );
    expect(r.stderr).toMatch(/^hint: revert by hand: git revert --no-commit [0-9a-f]{40}, resolve/m);
    expect(await repo.git('status', '--porcelain')).toBe('');
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(later);
    expect(repo.read('src/app.ts')).toBe('v2 and later work\n');
  });
});

/** A run on a feature branch, squash-merged into main with its PR body as the message, then adopted. */
async function squashMergedWithPrBody() {
  const repo = await repoWith({ 'src/app.ts': 'v1\n', 'docs/a.md': 'a\n' });
  await repo.git('checkout', '-q', '-b', 'feature');
  const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n' }, { 'src/extra.ts': 'x\n', ...HOSTILE }]);
  const body = await cli(repo, ['pr', id]);
  expect(body.code, body.stderr).toBe(0);
  await repo.git('checkout', '-q', 'main');
  await repo.git('merge', '-q', '--squash', 'feature');
  const message = join(tempDir('agent-log-msg-'), 'message');
  writeFileSync(message, `Validate signup (#184)\n\n${body.stdout}`);
  await repo.git('commit', '-q', '-F', message);
  await repo.git('branch', '-q', '-D', 'feature');
  const adopt = await cli(repo, ['adopt', 'HEAD']);
  expect(adopt.code, adopt.stderr).toBe(0);
  expect(adopt.stdout).toContain(`adopted ${id}`);
  repo.write('docs/a.md', 'later\n');
  await repo.commit('later unrelated work');
  return { repo, id };
}

describe('after a squash merge', () => {
  test('the PR body lets adopt find the run, and revert undoes the run inside the squash commit, keeping later work', async () => {
    const { repo, id } = await squashMergedWithPrBody();
    const r = await cli(repo, ['revert', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/merged 3-way into the squash commit/);
    expect(repo.read('src/app.ts')).toBe('v1\n');
    expect(existsSync(join(repo.dir, 'src/extra.ts'))).toBe(false);
    expect(repo.read('docs/a.md')).toBe('later\n');
    noSideEffects(repo);
  });

  test('the rollback script undoes the run inside the adopted squash commit', async () => {
    const { repo, id } = await squashMergedWithPrBody();
    const r = runBash(repo, (await cli(repo, ['rollback', id])).stdout);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/into the squash commit's result/);
    expect(repo.read('src/app.ts')).toBe('v1\n');
    expect(existsSync(join(repo.dir, "a'b; rm -rf ~.md"))).toBe(false);
    expect(repo.read('docs/a.md')).toBe('later\n');
    noSideEffects(repo, r.home);
  });
});

describe('show and pr', () => {
  test('show prints the packet; --json prints the record object', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(
      repo,
      [{ 'src/app.ts': 'v2\n', 'other/x.ts': 'x\n' }],
      'fix `the` | thing',
    );
    const md = await cli(repo, ['show', id]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`# Agent run \`${id}\``);
    expect(md.stdout).toContain('**Task:** fix \\`the\\` \\| thing');
    expect(md.stdout).toContain('- **Outside the allowed globs:** `other/x.ts`');
    const json = await cli(repo, ['show', id, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, kind: 'record' });
  });

  test('a commit with several runs shows each; rollback asks for one ID', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const a = (await cli(repo, ['start', '--task', 'run A'])).stdout.trim();
    repo.write('src/app.ts', 'v2\n');
    expect((await cli(repo, ['finish'])).code).toBe(0); // pending: no commit yet
    const b = (await cli(repo, ['start', '--task', 'run B'])).stdout.trim();
    repo.write('src/b.ts', 'b\n');
    await repo.commit('both runs');
    expect((await cli(repo, ['finish'])).code).toBe(0);
    const show = await cli(repo, ['show', 'HEAD']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^2 agent runs on this commit: /);
    expect(show.stdout).toContain(`# Agent run \`${a}\``);
    expect(show.stdout).toContain(`# Agent run \`${b}\``);
    const pr = await cli(repo, ['pr', 'HEAD']);
    expect(pr.stdout.match(/^Agent-Log: \w+$/gm)?.sort()).toEqual(
      [`Agent-Log: ${a}`, `Agent-Log: ${b}`].sort(),
    );
    const rollback = await cli(repo, ['rollback', 'HEAD']);
    expect(rollback.code).toBe(2);
    expect(rollback.stderr).toMatch(/^hint: pass one record ID$/m);
  });

  test('pr ends with the record ID as a trailer line and an HTML comment', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n' }]);
    const r = await cli(repo, ['pr', 'HEAD']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\nAgent-Log: ${id}\\n<!-- agent-log:${id} -->\\n$`));
  });

  test('a repository template override is used, and a broken one is a usage error', async () => {
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n' }], '<b>bold</b>');
    mkdirSync(join(repo.dir, '.agent-log/templates'), { recursive: true });
    writeFileSync(join(repo.dir, '.agent-log/templates/packet.md'), 'Run {{id}}: {{title}}\n');
    expect((await cli(repo, ['show', id])).stdout).toBe(`Run ${id}: \\<b\\>bold\\</b\\>\n`);
    writeFileSync(join(repo.dir, '.agent-log/templates/packet.md'), '{{#open}} never closed\n');
    const broken = await cli(repo, ['show', id]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: template packet\.md:1: section \{\{#open\}\} is never closed$/m);
    expect(broken.stderr).toMatch(/^hint: fix or remove \.agent-log\/templates\/packet\.md$/m);
  });
});

/** Chromium's path: $CHROMIUM, else the first of the usual names on PATH; null when absent. */
function findChromium(): string | null {
  if (process.env.CHROMIUM) return existsSync(process.env.CHROMIUM) ? process.env.CHROMIUM : null;
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

describe('HTML in a browser', () => {
  // Runs wherever Chromium is installed; CI (.ci/run) sets AGENT_LOG_REQUIRE_BROWSER=1 so a missing
  // browser fails there instead of passing silently. Elsewhere it is reported as skipped, with why.
  test('headless Chromium renders the packet as text, with no script run and nothing fetched', async (ctx) => {
    const chromium = findChromium();
    if (!chromium) {
      const why = "Chromium not found (install Debian's chromium package, or set CHROMIUM=/path/to/chrome)";
      if (process.env.AGENT_LOG_REQUIRE_BROWSER === '1')
        throw new Error(`${why}; AGENT_LOG_REQUIRE_BROWSER=1 requires this test`);
      console.warn(`browser test skipped: ${why}; set AGENT_LOG_REQUIRE_BROWSER=1 to require it`);
      ctx.skip(why);
    }
    const repo = await repoWith({ 'src/app.ts': 'v1\n' });
    const task = 'fix signup <script>document.title="pwned"</script> [x](javascript:alert(1))';
    const { id } = await recordedRun(repo, [{ 'src/app.ts': 'v2\n', ...HOSTILE }], task);
    const html = await cli(repo, ['show', id, '--format', 'html']);
    expect(html.code, html.stderr).toBe(0);
    const dir = tempDir('agent-log-html-');
    const page = join(dir, 'packet.html');
    writeFileSync(page, html.stdout);
    const r = spawnSync(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--dump-dom',
        `file://${page}`,
      ],
      { encoding: 'utf8', timeout: 50_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const dom = r.stdout;
    expect(dom).toContain(`<h1>Agent run <code>${id}</code></h1>`);
    expect(dom).toContain(
      'fix signup &lt;script&gt;document.title="pwned"&lt;/script&gt; [x](javascript:alert(1))',
    );
    expect(dom).toContain('<code>$(touch pwned).ts</code>');
    expect(dom).toContain('<title>Agent run');
    expect(dom).not.toMatch(/<script|<title>pwned|href="javascript/i);
    expect(dom).toMatch(/<h2>Not verified<\/h2>/);
  });
});
