// The isomorphic engine's config reader takes `git -c` settings as git hands them to the commands it
// starts (GIT_CONFIG_PARAMETERS): each value compared with `git -c … config --get`, git's own reading.
import { execFileSync } from 'node:child_process';
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
