// Redaction judged by an independent detector: gitleaks' rules (test/helpers/gitleaks.ts) and samples
// drawn from them — each rule's regex, and gitleaks' own true-positive shapes (its GenerateSampleSecrets
// templates) — fed through the paths an agent uses (Claude Code hooks with real payloads: prompts, Bash
// command lines and outputs, Write and Edit inputs; start --task, exec, note, approve --note; Codex and
// Gemini hooks), then the detector runs over everything the tool wrote: every git object, every file
// under .git (journal, index, lookup and facts files), `git log --notes`, export, pr, show --format
// md|html|json, rollback, and a bare remote's objects after sync. No hit may carry a secret we fed.
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  drawSamples,
  leaksOf,
  loadGitleaksRules,
  type Sample,
  templatedSamples,
} from '../helpers/gitleaks.js';
import { parseNote } from '../../src/record/note-lines.js';
import { agentSessions, claudeBashCall, gitDirText } from '../helpers/agent-hooks.js';
import { prng } from '../helpers/prng.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const { rules, untranslated } = loadGitleaksRules();
const drawn = drawSamples(rules, prng(20261201));
const templated = templatedSamples(rules, prng(20261202));
const repos: TempRepo[] = [];
afterAll(() => {
  for (const r of repos) r.cleanup();
});

/**
 * Drawn samples we do not redact, on purpose or not yet, each with why. The list is checked: an entry
 * that stops matching a drawn sample fails the first test (it is stale).
 */
const KNOWN: { rule: string; when: RegExp; why: string; in?: 'text' }[] = [
  {
    rule: 'sourcegraph-access-token',
    when: /^[0-9a-fA-F]{40}$/,
    why: 'any 40 hex digits is this rule: a git object id, which records must keep',
  },
  {
    rule: 'curl-auth-user',
    when: /^"[^"]*":/,
    why: 'curl -u="user":password (a quoted user, then the password unquoted): not read yet',
  },
  {
    rule: 'generic-api-key',
    when: /^\w*(?:token|key|secret|auth)\w*>[^=]/i,
    in: 'text',
    why: '`token>value` reads as a comparison (`tokens > limit`): `>` is no assignment for a generic key',
  },
  {
    rule: 'dropbox-api-token',
    when: /^[A-Za-z]{15}$/,
    why: 'letters only, 15 of them, under a service name: below the randomness bar of a weak key',
  },
];
const known = (s: Sample) =>
  KNOWN.find((k) => k.rule === s.rule && k.when.test(k.in === 'text' ? s.text : s.secret));

/** Per rule: its drawn sample and three of gitleaks' own shapes (seeded pick). */
function pickSamples(): Sample[] {
  const rand = prng(7);
  const byRule = new Map<string, Sample[]>();
  for (const s of templated) byRule.set(s.rule, [...(byRule.get(s.rule) ?? []), s]);
  const out = drawn.samples.filter((s) => !known(s));
  for (const list of byRule.values())
    for (let i = 0; i < 3 && list.length > 0; i++)
      out.push(list.splice(Math.floor(rand() * list.length), 1)[0]!);
  return out;
}

/** Every object git holds (loose and packed), and for a work repository every file under .git. */
async function everything(repo: TempRepo, bare = false): Promise<string> {
  const objects = await repo.git('cat-file', '--batch-all-objects', '--batch');
  return bare ? objects : `${objects}\n${gitDirText(repo)}`;
}

async function ok(repo: TempRepo, args: string[], opts: Parameters<typeof cli>[2] = {}) {
  const r = await cli(repo, args, opts);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) =>
    list.slice(i * size, (i + 1) * size),
  );
}

describe('redaction judged by gitleaks', () => {
  test('every rule translates; every sample is a detector hit before redaction', () => {
    // Rules left out of the reader (none today): named here so a new one is seen.
    expect(untranslated).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(200);
    // Regexes no draw satisfies: a lookalike-free JWT in base64, a two-part webhook, a short-lived
    // Bedrock key longer than the draw makes.
    expect(drawn.undrawn.length).toBeLessThanOrEqual(5);
    expect(new Set(templated.map((s) => s.rule)).size).toBeGreaterThanOrEqual(120);
    for (const k of KNOWN)
      expect(
        drawn.samples.some((s) => known(s) === k),
        `stale KNOWN entry ${k.rule}`,
      ).toBe(true);
    for (const s of [...drawn.samples, ...templated])
      expect(leaksOf(rules, [s], s.text), `${s.rule}: ${s.text}`).not.toEqual([]);
  });

  test('no secret fed through the agent paths reaches anything written', async () => {
    const samples = pickSamples();
    const texts = samples.map((s) => s.text);
    // The judge sees them in what we feed: the test can fail.
    expect(leaksOf(rules, samples, texts.join('\n')).length).toBeGreaterThan(samples.length / 2);

    const remote = await tempRepo({ bare: true });
    repos.push(remote);
    const repo = await tempRepo({ files: { 'README.md': '# demo\n', 'src/app.ts': 'export {};\n' } });
    repos.push(repo);
    await repo.git('remote', 'add', 'origin', remote.dir);
    await repo.git('push', '-q', 'origin', 'main');
    await ok(repo, ['init']);
    const env = { AGENT_LOG_NO_BACKGROUND: '1' };
    const batches = chunks(texts, 8);

    const id = (await ok(repo, ['start', '--task', batches[0]!.join('\n')], { env })).stdout.trim();
    for (const batch of batches.slice(1, 6))
      await ok(
        repo,
        ['exec', '--', process.execPath, '-e', 'console.log(process.argv.slice(1).join("\\n"))', ...batch],
        {
          env,
        },
      );
    await ok(repo, ['note', '--text', batches[6]!.join(' ')], { env });
    await ok(repo, ['approve', '--by', 'Dana', '--for', 'deploy', '--note', batches[7]!.join(' ')], { env });

    const sessions = agentSessions(repo, env, 'leaks');
    const { claude, hook } = sessions;
    await hook('claude-code', { ...claude, hook_event_name: 'SessionStart', source: 'startup' });
    const rest = batches.slice(8);
    for (const [i, batch] of rest.entries()) {
      const tool_use_id = `toolu_01${String(i).padStart(22, 'Q')}`;
      const all = batch.join('\n');
      const shape = i % 6;
      if (shape === 0) {
        await hook('claude-code', {
          ...claude,
          hook_event_name: 'UserPromptSubmit',
          prompt: `Use these:\n${all}`,
        });
        continue;
      }
      if (shape === 1 || shape === 2) {
        // Write and Edit: the file contents are the secrets.
        const tool_input =
          shape === 1
            ? { file_path: join(repo.dir, `config/settings-${i}.yml`), content: `${all}\n` }
            : { file_path: join(repo.dir, 'src/app.ts'), old_string: 'export {};', new_string: all };
        const tool_name = shape === 1 ? 'Write' : 'Edit';
        await hook('claude-code', {
          ...claude,
          hook_event_name: 'PreToolUse',
          tool_name,
          tool_use_id,
          tool_input,
        });
        await hook('claude-code', {
          ...claude,
          hook_event_name: 'PostToolUse',
          tool_name,
          tool_use_id,
          tool_input,
          tool_response: { filePath: tool_input.file_path, success: true },
        });
        continue;
      }
      // Bash: the secrets on the command line (a heredoc, a curl header) and in the output (a
      // `cat .env`, a JSON config, `git remote -v`).
      const command =
        shape === 3
          ? `cat > .env <<'EOF'\n${all}\nEOF`
          : shape === 4
            ? `curl -sS -H "Authorization: Bearer ${batch[0]}" -d '${batch.slice(1).join('&')}' https://api.example.com/v1`
            : 'cat config.json && git remote -v';
      const stdout =
        shape === 5
          ? `${JSON.stringify({ settings: batch }, null, 2)}\norigin\thttps://x-access-token:${batch[0]}@github.com/o/r.git (fetch)`
          : all;
      for (const payload of claudeBashCall(claude, tool_use_id, command, stdout, 'run'))
        await hook('claude-code', payload);
    }
    // Codex and Gemini hooks: the first batches again.
    for (const batch of batches.slice(0, 8)) await sessions.shell(batch.join('\n'));

    repo.write('src/app.ts', 'export const rotated = true;\n');
    await repo.git('add', 'src/app.ts');
    await repo.commit('rotate keys', { all: false });
    await sessions.end();
    await ok(repo, ['finish', id], { env });
    for (const agent of ['claude-code', 'codex', 'gemini'])
      await ok(repo, ['seal-pending', '--agent', agent], { env });

    // Everything the tool wrote or prints.
    const outputs = [
      await everything(repo),
      await repo.git('log', '--notes=agent-log', '-p'),
      (await ok(repo, ['export'])).stdout,
    ];
    const note = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
    const ids = parseNote(note).flatMap((l) => (l.type === 'record' ? [l.record.id] : []));
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const run of ids)
      for (const args of [
        ['pr'],
        ['show', '--format', 'md'],
        ['show', '--format', 'html'],
        ['show', '--json'],
        ['rollback'],
      ])
        outputs.push((await ok(repo, [...args, run])).stdout);
    await repo.git('push', '-q', 'origin', 'main');
    await ok(repo, ['sync', 'origin'], { env });
    outputs.push(await everything(remote, true));
    const all = outputs.join('\n');
    // The records were written (an empty note would pass the check below vacuously).
    expect(all).toContain('[REDACTED:');
    expect(leaksOf(rules, samples, all)).toEqual([]);
    // And no secret verbatim anywhere, found by the detector or not.
    const verbatim = samples.filter((s) => s.secret.length >= 12 && all.includes(s.secret));
    expect(verbatim.map((s) => `${s.rule}: ${s.text}`)).toEqual([]);
  }, 300_000);
});
