// Commits the agents' own commands made, as their session journals saw them: a `git commit` run
// through the agent's shell prints `[branch abc1234] subject`, and the hook journaled that output.
// Read as raw text (no parsing of whole payloads): doctor and verify use it to call a commit
// agent-made even when its message says nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalRoot } from './paths.js';

/** Abbreviated commit ids (7+ hex) printed by `git commit` in agent sessions → the agent's name. */
export function commitsMentionedInJournals(commonDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const root = journalRoot(commonDir);
  for (const base of ['sessions', 'sealed']) {
    let agents: string[];
    try {
      agents = readdirSync(join(root, base));
    } catch {
      continue;
    }
    for (const agent of agents) {
      let files: string[];
      try {
        files = readdirSync(join(root, base, agent)).filter((f) => f.endsWith('.jsonl'));
      } catch {
        continue; // sealed/<run>.jsonl files of manual runs are not directories
      }
      for (const f of files) {
        let text: string;
        try {
          text = readFileSync(join(root, base, agent, f), 'utf8');
        } catch {
          continue;
        }
        for (const line of text.split('\n')) {
          if (!line.includes('git commit') && !line.includes('git -c')) continue;
          for (const m of line.matchAll(/\[[^\]\s"]+(?: \(root-commit\))? ([0-9a-f]{7,40})\]/g))
            out.set(m[1]!, agent);
        }
      }
    }
  }
  return out;
}
