// The capture layout keeps its promise: every agent is one folder behind the adapter interface, the
// registry and the hook's name table list the same agents, and no agent folder imports another (what
// agents share lives in capture/session/).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { AGENT_ALIASES, AGENT_NAMES } from '../../src/capture/hook/agent-names.js';
import { agentAdapter, agentNamed } from '../../src/capture/registry.js';

const CAPTURE = resolve(__dirname, '../../src/capture');

test('the registry has an adapter for every agent the hook knows, under its own name', () => {
  for (const name of AGENT_NAMES) {
    expect(agentNamed(name)).toBe(name);
    expect(agentAdapter(name).name).toBe(name);
  }
  for (const [alias, name] of Object.entries(AGENT_ALIASES)) expect(agentAdapter(alias).name).toBe(name);
});

test('no agent folder imports another agent folder, and session/ imports no agent folder', () => {
  const folders = AGENT_NAMES as readonly string[];
  for (const folder of [...folders, 'session']) {
    const dir = join(CAPTURE, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      const specs = [...text.matchAll(/from\s+'(\.\.\/[^']+)'|import\('(\.\.\/[^']+)'\)/g)].map(
        (m) => m[1] ?? m[2]!,
      );
      for (const spec of specs) {
        const top = spec.split('/')[1]!;
        if (folders.includes(top)) expect(`${folder}/${file} imports ${spec}`).toBe(`${folder}/${file}`);
      }
    }
  }
});
