// Redaction throughput on 1 MB strings: clean build output, JSON hook payloads, text with secrets
// sprinkled in, and one long base64 blob. Medians of several runs; MB/s and ratio to clean text.
// Runs against dist/ (npm run bench builds first).
import { performance } from 'node:perf_hooks';
import { Redactor } from '../dist/redact/redactor.js';

const MB = 1024 * 1024;
const RUNS = 9;

function rand(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rand(7);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const tok = (n) => Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join('');

function fill(make) {
  const parts = [];
  let len = 0;
  while (len < MB) {
    const s = make();
    parts.push(s);
    len += s.length;
  }
  return parts.join('').slice(0, MB);
}

const buildLog = fill(
  () =>
    `  ✓ test/unit/notes.test.ts > reads fanout ${Math.floor(r() * 1e4)} (${Math.floor(r() * 90)} ms)\n` +
    `commit ${tok(8).toLowerCase()}${'0123456789abcdef'.repeat(2)} src/store/notes.ts | 12 ++++--\n` +
    `npm WARN deprecated inflight@1.0.6: This module is not supported, key=value pairs, token counts 1234\n`,
);
const hookJson = fill(
  () =>
    JSON.stringify({
      session_id: '856ae9e1-8a99-4c68-b2de-90c1327699fd',
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'npm test -- signup', description: 'Run the signup tests' },
      tool_response: {
        stdout: 'PASS api/signup.test.ts\n  ✓ rejects duplicate email (12 ms)\n',
        exit_code: 0,
      },
    }) + '\n',
);
const withSecrets = fill(() => {
  const i = Math.floor(r() * 5);
  const secret = [
    `export GITHUB_TOKEN=ghp_${tok(36)}`,
    `DATABASE_URL=postgres://app:${tok(16)}@db:5432/app`,
    `Authorization: Bearer ${tok(40)}`,
    `password=${tok(12)}`,
    `AKIA${tok(16).toUpperCase()}`,
  ][i];
  return `some ordinary output line with a path src/x/y.ts and ${secret}\n`;
});
const blob = Buffer.from(Array.from({ length: (MB * 3) / 4 }, () => Math.floor(r() * 256))).toString(
  'base64',
);

const inputs = [
  ['clean build log', buildLog],
  ['hook payload JSON', hookJson],
  ['secrets every line', withSecrets],
  ['one base64 blob', blob],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const rows = [];
for (const [name, text] of inputs) {
  new Redactor().redact(text); // warm up
  const times = [];
  let found = 0;
  for (let i = 0; i < RUNS; i++) {
    const red = new Redactor();
    const t0 = performance.now();
    red.redact(text);
    times.push(performance.now() - t0);
    found = red.report().reduce((n, c) => n + c.count, 0);
  }
  rows.push({ name, ms: median(times), found });
}
const base = rows[0].ms;
console.log('| input (1 MB) | median ms | MB/s | vs clean | redactions |');
console.log('|---|---:|---:|---:|---:|');
for (const { name, ms, found } of rows) {
  console.log(
    `| ${name} | ${ms.toFixed(1)} | ${(1000 / ms).toFixed(1)} | ${(ms / base).toFixed(2)}× | ${found} |`,
  );
}

// Per hook event: what the hook does for each event (redactDeep of one parsed payload), on events
// shaped like real Claude Code ones (a Bash call with output, a Read with a file path, a prompt).
const tool = () => `toolu_01${tok(22)}`;
const events = [
  {
    session_id: '856ae9e1-8a99-4c68-b2de-90c1327699fd',
    transcript_path:
      '/Users/alice/.claude/projects/-Users-alice-src-shop/856ae9e1-8a99-4c68-b2de-90c1327699fd.jsonl',
    cwd: '/Users/alice/src/shop',
    hook_event_name: 'PostToolUse',
    tool_name: 'Bash',
    tool_use_id: tool(),
    tool_input: {
      command: 'cd api && PGPASSWORD=$DB_PASS npm test -- signup 2>&1 | tail -40',
      description: 'Run tests',
    },
    tool_response: { stdout: buildLog.slice(0, 3000), stderr: '', interrupted: false },
  },
  {
    session_id: '856ae9e1-8a99-4c68-b2de-90c1327699fd',
    hook_event_name: 'PreToolUse',
    tool_name: 'Read',
    tool_use_id: tool(),
    tool_input: { file_path: `/Users/alice/src/shop/public/assets/app-${tok(20)}.js` },
  },
  {
    session_id: '856ae9e1-8a99-4c68-b2de-90c1327699fd',
    hook_event_name: 'UserPromptSubmit',
    prompt: `Deploy with DATABASE_URL=postgres://app:${tok(16)}@db:5432/app and check the signup flow.`,
  },
];
const EVENTS = 3000;
for (const e of events) new Redactor().redactDeep(e);
const perEvent = [];
for (let round = 0; round < RUNS; round++) {
  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) new Redactor().redactDeep(events[i % events.length]);
  perEvent.push(((performance.now() - t0) / EVENTS) * 1000);
}
console.log(
  `\nPer hook event (redactDeep of a parsed payload, ${events.length} shapes, 0.1–3 KB): median ${median(perEvent).toFixed(0)} µs`,
);
