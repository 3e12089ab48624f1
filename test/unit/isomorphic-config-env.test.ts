// The isomorphic engine's config reader takes `git -c` settings as git hands them to the commands it
// starts (GIT_CONFIG_PARAMETERS): each value compared with `git -c … config --get`, git's own reading.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ConfigReader } from '../../src/git/isomorphic/config.js';
import { gitEnv, tempRepo, type TempRepo } from '../helpers/repo.js';

const repos: TempRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

const SETTINGS = [
  "user.name=O'Brien \\ x",
  'core.useReplaceRefs',
  'core.empty=',
  'a.b c.d=e f=g',
  'Section.Key=last',
  'section.key=wins',
];

test('GIT_CONFIG_PARAMETERS from git -c: every value as git config --get reads it', async () => {
  const r = await tempRepo();
  repos.push(r);
  const dashC = SETTINGS.flatMap((s) => ['-c', s]);
  const run = (args: string[]) =>
    execFileSync('git', args, { cwd: r.dir, env: gitEnv(), encoding: 'utf8' }).replace(/\n$/, '');
  // what git puts in the environment of a command it starts (an alias standing in for agent-log)
  const params = run([...dashC, '-c', 'alias.params=!printf %s "$GIT_CONFIG_PARAMETERS"', 'params']);
  const reader = new ConfigReader(`${r.dir}/.git`, { GIT_CONFIG_PARAMETERS: params, HOME: r.dir });
  for (const key of ['user.name', 'core.useReplaceRefs', 'core.empty', 'a.b c.d', 'section.key']) {
    const gits = run([...dashC, 'config', '--get', key]);
    expect(await reader.get(key), key).toBe(key === 'core.useReplaceRefs' ? 'true' : gits);
  }
  // `-c key` alone is git's implicit true (config --get prints it empty; --bool says true)
  expect(run([...dashC, 'config', '--bool', '--get', 'core.useReplaceRefs'])).toBe('true');
});

test('included config files: every value as git config --get reads it (include.path, includeIf gitdir:, gitdir/i:, onbranch:)', async () => {
  const r = await tempRepo({ files: { 'a.txt': 'a\n' } });
  repos.push(r);
  r.write('cfg/base.cfg', '[x]\n\ta = base\n\tb = base\n[include]\n\tpath = nested.cfg\n');
  r.write('cfg/nested.cfg', '[x]\n\tb = nested\n');
  r.write('cfg/dir.cfg', '[x]\n\tc = gitdir\n');
  r.write('cfg/dir-i.cfg', '[x]\n\td = gitdir-i\n');
  r.write('cfg/branch.cfg', '[x]\n\te = onbranch\n');
  r.write('cfg/never.cfg', '[x]\n\tf = never\n');
  const global = join(r.dir, 'cfg', 'global.cfg');
  writeFileSync(
    global,
    [
      '[x]\n\ta = global\n',
      '[include]\n\tpath = base.cfg\n',
      `[includeIf "gitdir:${r.dir}/"]\n\tpath = dir.cfg\n`,
      `[includeIf "gitdir/i:${r.dir.toUpperCase()}/.GIT"]\n\tpath = dir-i.cfg\n`,
      '[includeIf "onbranch:ma*"]\n\tpath = branch.cfg\n',
      '[includeIf "gitdir:/elsewhere/"]\n\tpath = never.cfg\n',
      '[includeIf "onbranch:feature/"]\n\tpath = never.cfg\n',
    ].join(''),
  );
  const env = { ...gitEnv({ GIT_CONFIG_GLOBAL: global }) };
  const reader = new ConfigReader(join(r.dir, '.git'), env, join(r.dir, '.git'));
  for (const key of ['x.a', 'x.b', 'x.c', 'x.d', 'x.e', 'x.f']) {
    let gits: string | null;
    try {
      gits = execFileSync('git', ['config', '--get', key], { cwd: r.dir, env, encoding: 'utf8' }).trim();
    } catch {
      gits = null;
    }
    expect(await reader.get(key), key).toBe(gits);
  }
  expect(await reader.get('x.e')).toBe('onbranch'); // the conditions held where they should
  expect(await reader.get('x.f')).toBe(null);
});
