// npm run demo: record a realistic agent run in a throwaway repository and print what it left behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'git-agent-log');
const dir = mkdtempSync(join(tmpdir(), 'agent-log-demo-'));
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Demo Agent',
  GIT_AUTHOR_EMAIL: 'agent@example.com',
  GIT_COMMITTER_NAME: 'Demo Agent',
  GIT_COMMITTER_EMAIL: 'agent@example.com',
};
const write = (path, text) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const git = (...args) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
const step = (title) => console.log(`\n\x1b[1m== ${title}\x1b[0m`);
const agentLog = (args, { show = true } = {}) => {
  if (show)
    console.log(`$ git agent-log ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r;
};

try {
  step('a repository with a signup endpoint');
  git('init', '-q', '-b', 'main');
  write('api/signup.js', 'export function signup(body) {\n  return { status: 201, email: body.email };\n}\n');
  write(
    'test/signup.test.js',
    [
      "import { test } from 'node:test';",
      "import assert from 'node:assert';",
      "import { signup } from '../api/signup.js';",
      "test('rejects a missing email', () => assert.equal(signup({}).status, 400));",
      "test('accepts a valid email', () => assert.equal(signup({ email: 'a@b.co' }).status, 201));",
      '',
    ].join('\n'),
  );
  write('package.json', '{ "type": "module", "scripts": { "test": "node --test test/" } }\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'signup endpoint');
  agentLog(['init']);

  step('the agent opens a run with its task and boundaries');
  const id = agentLog([
    'start',
    '--task',
    'add server-side validation to the signup endpoint',
    '--allow',
    'api/**',
    '--allow',
    'test/**',
    '--deny',
    'migrations/**',
    '--level',
    'edit',
    '--constraint',
    'no schema changes',
    '--agent',
    'demo-agent',
  ]).stdout.trim();

  step('a first attempt fails its test');
  write(
    'api/signup.js',
    'export function signup(body) {\n  if (!body.email) return { status: 422 };\n  return { status: 201, email: body.email };\n}\n',
  );
  agentLog(['exec', '--check', 'unit-tests', '--', 'node', '--test', '--test-reporter=spec', 'test/'], {
    show: true,
  });

  step('the fix passes');
  write(
    'api/signup.js',
    'export function signup(body) {\n  if (!body.email) return { status: 400 };\n  return { status: 201, email: body.email };\n}\n',
  );
  agentLog(['exec', '--check', 'unit-tests', '--', 'node', '--test', '--test-reporter=spec', 'test/']);
  agentLog(['approve', '--by', 'Thomas', '--for', 'PR creation', '--note', 'deployment not approved']);
  agentLog(['note', '--rollback', 'revert the commit, or restore api/signup.js from the start commit']);

  step('commit and seal');
  git('commit', '-q', '-am', 'Validate email on signup');
  console.log(git('log', '-1', '--format=%h %s%n%n%b').trim());
  agentLog(['finish']);

  step('the review packet');
  agentLog(['show', id]);

  step('what git itself sees: git notes --ref=agent-log show HEAD');
  console.log(git('notes', '--ref=agent-log', 'show', 'HEAD').slice(0, 1200), '…');

  step('runs in this repository');
  agentLog(['log']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
