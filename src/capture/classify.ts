// Classify a shell command as a check kind. Pure; extended per ecosystem.
import type { CommandKind } from '../record/schema.js';

const RULES: [RegExp, CommandKind][] = [
  [/\b(npm|pnpm|yarn|bun)\s+(run\s+)?test\b|\b(jest|vitest|mocha|pytest|go\s+test|cargo\s+test)\b/, 'test'],
  [/\b(tsc)\b|\bmypy\b|\bpyright\b/, 'typecheck'],
  [
    /\b(eslint|ruff|biome\s+lint|cargo\s+clippy|golangci-lint|flake8)\b|\b(npm|pnpm|yarn)\s+(run\s+)?lint\b/,
    'lint',
  ],
  [/\b(npm|pnpm|yarn|bun)\s+(install|ci|add)\b|\bpip\s+install\b/, 'install'],
  [/\b(npm|pnpm|yarn|bun)\s+(run\s+)?build\b|\bcargo\s+build\b|\bgo\s+build\b|\bmake\b/, 'build'],
];

export function classifyCommand(command: string): CommandKind {
  for (const [re, kind] of RULES) if (re.test(command)) return kind;
  return 'other';
}
