// The fuzz suite of #11: ≥100 secret shapes (test/helpers/fuzz-shapes.ts, seeded) pushed through every
// entry point — start --task/--constraint, exec command and output, note, approve --note, the Claude,
// Codex and Gemini hooks with their real payload shapes, an imported session file, an untracked file the
// snapshot sees — then every object git holds (loose and packed) and every file under .git is searched:
// no secret may appear. A look-alike corpus (ids, hashes, keys that are public) must come through intact.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { parseNote } from '../../src/record/note-lines.js';
import type { RunRecord } from '../../src/record/schema.js';
import { agentSessions, claudeBashCall } from '../helpers/agent-hooks.js';
import { fuzzShapes, lookalikes } from '../helpers/fuzz-shapes.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const shapes = fuzzShapes();
const looks = lookalikes();
const repos: TempRepo[] = [];
afterAll(() => {
  for (const r of repos) r.cleanup();
});

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every object (loose and packed, via cat-file), every loose object inflated, every file's raw bytes. */
async function everything(repo: TempRepo): Promise<string> {
  const parts = [await repo.git('cat-file', '--batch-all-objects', '--batch')];
  for (const f of filesUnder(join(repo.dir, '.git'))) {
    const raw = readFileSync(f);
    parts.push(raw.toString('latin1'));
    if (/objects\/[0-9a-f]{2}\/[0-9a-f]{38,62}$/.test(f)) parts.push(inflateSync(raw).toString('latin1'));
  }
  return parts.join('\n');
}

async function ok(repo: TempRepo, args: string[], opts: Parameters<typeof cli>[2] = {}) {
  const r = await cli(repo, args, opts);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** `n` batches covering every shape. */
function batches(n: number): (typeof shapes)[] {
  const size = Math.ceil(shapes.length / n);
  return Array.from({ length: n }, (_, i) => shapes.slice(i * size, (i + 1) * size));
}

describe('secret fuzz suite', () => {
  test('the shape corpus is large enough and every shape is distinct', () => {
    expect(shapes.length).toBeGreaterThanOrEqual(100);
    expect(new Set(shapes.map((s) => s.name)).size).toBe(shapes.length);
    expect(shapes.every((s) => s.secrets.length > 0)).toBe(true);
  });

  test('every shape through every entry point: 0 leaks under .git; look-alikes intact', async () => {
    const repo = await tempRepo({ files: { 'README.md': '# demo\n', 'src/app.ts': 'export {};\n' } });
    repos.push(repo);
    await ok(repo, ['init']);
    const env = { AGENT_LOG_NO_BACKGROUND: '1' };
    const texts = shapes.map((s) => s.text);
    const task = `Rotate the keys. Keep these ids: ${looks.join(' | ')}\n${texts.slice(0, 30).join('\n')}`;
    const id = (
      await ok(repo, ['start', '--task', task, '--constraint', texts[30]!, '--constraint', texts[31]!], {
        env,
      })
    ).stdout.trim();
    // An untracked file full of secrets: the snapshot of every exec sees it.
    repo.write('.env.local', `${texts.join('\n')}\n`);
    // exec: the secrets on the command line and in the output (node prints its arguments).
    for (const batch of batches(4))
      await ok(
        repo,
        [
          'exec',
          '--',
          process.execPath,
          '-e',
          'console.log(process.argv.slice(1).join("\\n"))',
          ...batch.map((s) => s.text),
        ],
        { env },
      );
    await ok(repo, ['note', '--text', `${texts.slice(32, 60).join(' ; ')} ${looks.join(' ')}`], { env });
    await ok(repo, ['approve', '--by', 'Dana', '--for', 'deploy', '--note', texts.slice(60, 90).join(' ')], {
      env,
    });

    // Claude Code hooks, real payload shapes.
    const sessions = agentSessions(repo, env, 'fuzz');
    const { claude, codex, gemini, hook } = sessions;
    await hook('claude-code', { ...claude, hook_event_name: 'SessionStart', source: 'startup' });
    for (const [i, batch] of batches(3).entries()) {
      const tool_use_id = `toolu_01${'A'.repeat(20)}${i}x`;
      await hook('claude-code', {
        ...claude,
        hook_event_name: 'UserPromptSubmit',
        prompt: batch.map((s) => s.text).join('\n'),
      });
      // A script whose lines are the shapes (the agent runs `mysql -p…`, `docker login -p …` itself).
      const command = batch.map((s) => s.text).join('\n');
      for (const payload of claudeBashCall(claude, tool_use_id, command, command, 'print'))
        await hook('claude-code', payload);
    }
    // Codex and Gemini hooks: a prompt to each, then a shell call.
    for (const batch of batches(2)) {
      const all = batch.map((s) => s.text).join('\n');
      await hook('codex', { ...codex, hook_event_name: 'UserPromptSubmit', prompt: all });
      await hook('gemini', { ...gemini, hook_event_name: 'BeforeAgent', prompt: all });
      await sessions.shell(all);
    }
    // An imported Claude transcript: prompts, a Bash call and its long output.
    const sid = '7e3b9c1a-2f4d-4e8a-9b6c-0d1e2f3a4b5c';
    const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 1, 0, s)).toISOString();
    const baseLine = {
      sessionId: sid,
      cwd: repo.dir,
      version: '2.1.38',
      isSidechain: false,
      userType: 'external',
    };
    const lines: unknown[] = [];
    for (const [i, batch] of batches(3).entries()) {
      const tu = `toolu_01${'B'.repeat(20)}${i}y`;
      const all = batch.map((s) => s.text).join('\n');
      lines.push(
        {
          ...baseLine,
          type: 'user',
          uuid: `u${i}`,
          parentUuid: null,
          timestamp: at(i * 3),
          message: { role: 'user', content: all },
        },
        {
          ...baseLine,
          type: 'assistant',
          uuid: `a${i}`,
          parentUuid: `u${i}`,
          timestamp: at(i * 3 + 1),
          message: {
            id: `msg_01${'C'.repeat(20)}${i}z`,
            role: 'assistant',
            model: 'claude-opus-4-1',
            content: [{ type: 'tool_use', id: tu, name: 'Bash', input: { command: all } }],
            usage: { input_tokens: 10, output_tokens: 5 },
          },
        },
        {
          ...baseLine,
          type: 'user',
          uuid: `r${i}`,
          parentUuid: `a${i}`,
          timestamp: at(i * 3 + 2),
          message: {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: tu, content: `${'.'.repeat(3000)}\n${all}` }],
          },
          toolUseResult: { stdout: all, stderr: '', interrupted: false },
        },
      );
    }
    const transcript = join(repo.dir, '..', `${sid}.jsonl`);
    writeFileSync(transcript, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await ok(repo, ['import', 'claude-code', transcript]);

    // Commit (not the untracked file), pack half the objects, seal everything.
    repo.write('src/app.ts', 'export const rotated = true;\n');
    await repo.git('add', 'src/app.ts');
    await repo.commit('rotate keys', { all: false });
    await hook('codex', { ...codex, hook_event_name: 'Stop' });
    await sessions.end();
    await ok(repo, ['finish'], { env });
    await repo.git('repack', '-q', '-d');
    for (const agent of ['claude-code', 'codex', 'gemini'])
      await ok(repo, ['seal-pending', '--agent', agent], { env });

    const body = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
    const records = parseNote(body).flatMap((l) => (l.type === 'record' ? [l.record] : [])) as RunRecord[];
    const manual = records.find((r) => r.id === id)!;
    expect(manual).toBeDefined();
    // The secrets were there and redacted (their absence below is no accident)…
    const fired = new Set(records.flatMap((r) => r.redactions.map((x) => x.rule)));
    expect(fired.size).toBeGreaterThanOrEqual(25);
    expect(manual.commands).toHaveLength(4);
    // …and the look-alikes came through intact, in the task and the note.
    const kept = JSON.stringify(manual);
    expect(looks.filter((l) => !kept.includes(JSON.stringify(l).slice(1, -1)))).toEqual([]);

    // Every run and session is sealed: the private snapshot store went with the last one.
    expect(existsSync(join(repo.dir, '.git', 'agent-log', 'snapshots'))).toBe(false);
    const all = await everything(repo);
    const leaks = shapes.flatMap((s) =>
      s.secrets.filter((x) => all.includes(x)).map((x) => `${s.name}: ${x.slice(0, 12)}…`),
    );
    expect(leaks).toEqual([]);
  }, 120_000);
});
