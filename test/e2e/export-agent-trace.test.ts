// `export --format agent-trace`: runs recorded through the real CLI (start, edits, commits, finish)
// exported as Agent Trace records, each validated against the specification's own JSON Schema
// (test/fixtures/agent-trace, copied from cursor/agent-trace) and compared with an independent
// reader: which commits carry a run (`git notes show`) and which lines each commit added
// (`git diff -U0` hunk headers, `git show C:path` for the hashed content).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const validate = ajv.compile(
  JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/agent-trace/trace-record.schema.json'), 'utf8'),
  ) as object,
);

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`);
const text = (l: string[]) => `${l.join('\n')}\n`;

interface TraceRecord {
  version: string;
  id: string;
  timestamp: string;
  vcs: { type: string; revision: string };
  tool: { name: string; version?: string };
  files: {
    path: string;
    conversations: {
      contributor: { type: string; model_id?: string };
      ranges: { start_line: number; end_line: number; content_hash?: string }[];
    }[];
  }[];
  metadata: { 'git-agent-log': { run_id: string } };
}

/** Commits whose note names run `id` (its record line or a pointer), through plain git. */
async function commitsOf(repo: TempRepo, id: string): Promise<string[]> {
  const list = (await repo.git('notes', '--ref=agent-log', 'list')).trim().split('\n');
  const out: string[] = [];
  for (const line of list) {
    const commit = line.split(' ')[1]!;
    const note = await repo.git('notes', '--ref=agent-log', 'show', commit);
    if (note.split('\n').some((l) => l.trim() && (JSON.parse(l) as { id?: string }).id === id))
      out.push(commit);
  }
  return out.sort();
}

/** Added line ranges of `path` in `commit`, from git's own -U0 hunk headers. */
async function gitAddedRanges(repo: TempRepo, commit: string, path: string) {
  const diff = await repo.git('diff', '-U0', '--no-color', `${commit}^`, commit, '--', path);
  const content = (await repo.git('show', `${commit}:${path}`)).split('\n');
  return [...diff.matchAll(/^@@ -\S+ \+(\d+)(?:,(\d+))? @@/gm)]
    .map((m) => ({ start: Number(m[1]), count: m[2] === undefined ? 1 : Number(m[2]) }))
    .filter((h) => h.count > 0)
    .map((h) => ({
      start_line: h.start,
      end_line: h.start + h.count - 1,
      content_hash: `sha256:${createHash('sha256')
        .update(content.slice(h.start - 1, h.start - 1 + h.count).join('\n'))
        .digest('hex')
        .slice(0, 16)}`,
    }));
}

async function recordedRepo() {
  const base = lines(20, 'signup');
  const repo = await tempRepo({
    files: {
      'src/signup.ts': text(base),
      'src/util.ts': text(lines(10, 'util')),
      'docs/notes.md': text(lines(5, 'notes')),
    },
  });
  cleanups.push(() => repo.cleanup());
  const start = async (...args: string[]) => {
    const r = await cli(repo, ['start', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim();
  };
  const finish = async () => expect((await cli(repo, ['finish'])).code).toBe(0);

  // Claude Code, one commit: lines inserted, one changed, lines appended, a new file, a deleted file
  const claude = await start(
    '--task',
    'validate signup',
    '--agent',
    'claude-code',
    '--model',
    'claude-opus-4-5-20251101',
  );
  const edited = [...base];
  edited.splice(
    5,
    0,
    'if (!email) throw new Error("email");',
    'if (!password) throw new Error("password");',
    '',
  );
  edited[16] = 'signup line 14 (checked)';
  edited.push('export const signupRules = 2;', '');
  repo.write('src/signup.ts', text(edited));
  repo.write('src/validate.ts', text(lines(6, 'validate')));
  await repo.git('rm', '-q', 'src/util.ts');
  await repo.commit('validate signup');
  await finish();

  // Codex, two commits on two files
  const codex = await start('--task', 'document the rules', '--agent', 'codex', '--model', 'gpt-5.1-codex');
  const notes = lines(5, 'notes');
  notes.splice(2, 0, 'Signup rules: email and password are required.');
  repo.write('docs/notes.md', text(notes));
  await repo.commit('notes');
  repo.write('src/validate.ts', text([...lines(6, 'validate'), '// documented in docs/notes.md']));
  await repo.commit('validate comment');
  await finish();

  // A run opened by hand, without an agent: the lines are of unknown origin
  const manual = await start('--task', 'tidy');
  repo.write('docs/notes.md', text([...notes, 'Tidied.']));
  await repo.commit('tidy');
  await finish();
  return { repo, runs: { claude, codex, manual } };
}

describe('export --format agent-trace', () => {
  test('one spec-valid trace record per run and commit, with the lines each commit added', async () => {
    const { repo, runs } = await recordedRepo();
    const r = await cli(repo, ['export', '--format', 'agent-trace']);
    expect(r.code, r.stderr).toBe(0);
    const traces = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TraceRecord);

    for (const t of traces) expect(validate(t), ajv.errorsText(validate.errors)).toBe(true);

    for (const [name, id] of Object.entries(runs)) {
      const mine = traces.filter((t) => t.metadata['git-agent-log'].run_id === id);
      const commits = await commitsOf(repo, id);
      expect(mine.map((t) => t.vcs.revision).sort(), name).toEqual(commits);
      for (const t of mine) {
        expect(t.vcs.type).toBe('git');
        const paths = (
          await repo.git('diff', '--name-only', '--diff-filter=AM', `${t.vcs.revision}^`, t.vcs.revision)
        )
          .trim()
          .split('\n')
          .sort();
        expect(t.files.map((f) => f.path).sort(), `${name} ${t.vcs.revision}`).toEqual(paths);
        for (const f of t.files) {
          expect(f.conversations).toHaveLength(1);
          expect(f.conversations[0]!.ranges, `${name} ${f.path}`).toEqual(
            await gitAddedRanges(repo, t.vcs.revision, f.path),
          );
        }
      }
    }

    const byRun = (id: string) => traces.filter((t) => t.metadata['git-agent-log'].run_id === id);
    expect(byRun(runs.claude)).toHaveLength(1);
    expect(byRun(runs.claude)[0]!.tool.name).toBe('claude-code');
    expect(byRun(runs.claude)[0]!.files[0]!.conversations[0]!.contributor).toEqual({
      type: 'ai',
      model_id: 'anthropic/claude-opus-4-5-20251101',
    });
    expect(byRun(runs.codex)).toHaveLength(2);
    expect(byRun(runs.codex)[0]!.files[0]!.conversations[0]!.contributor).toEqual({
      type: 'ai',
      model_id: 'openai/gpt-5.1-codex',
    });
    expect(byRun(runs.manual)[0]!.files[0]!.conversations[0]!.contributor).toEqual({ type: 'unknown' });
  }, 120_000);

  test('a re-export is byte for byte the same (trace ids derive from run and commit)', async () => {
    const { repo } = await recordedRepo();
    const first = await cli(repo, ['export', '--format', 'agent-trace']);
    const second = await cli(repo, ['export', '--format', 'agent-trace']);
    expect(first.code, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const ids = first.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as TraceRecord).id);
    expect(new Set(ids).size).toBe(ids.length);
  }, 120_000);
});
