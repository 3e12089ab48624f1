// `doctor` on the patterns a repository's `.agent-log/config.json` holds: redaction patterns and
// allowlist entries that are ignored, and guard `re:` deny patterns that cannot be used (the guard
// then refuses every shell command: it fails closed). Each one is one line naming the setting.
import { unusableDenyPattern } from '../capture/guard/rules.js';
import { loadRedactionConfig } from '../redact/config.js';
import { CONFIG_FILE, loadRepoConfig } from '../store/config.js';

type Add = (level: 'ok' | 'warn' | 'problem', what: string, fix?: string) => void;

export function checkConfigPatterns(worktree: string, add: Add): void {
  for (const w of loadRedactionConfig(worktree).warnings)
    add('problem', `${w}: that redaction setting is not applied`, `fix ${CONFIG_FILE}`);
  const guard = loadRepoConfig(worktree).guard;
  for (const { where, pattern } of rePatterns(guard, 'guard')) {
    const why = unusableDenyPattern(pattern);
    if (why)
      add(
        'problem',
        `${CONFIG_FILE}: ${where} "${pattern.slice(0, 80)}" cannot be used (${why}); the guard refuses every shell command until it is fixed`,
        `fix ${CONFIG_FILE}`,
      );
  }
}

/** Every `re:` string under the guard settings (deny lists at any level), with where it sits. */
function rePatterns(value: unknown, where: string): { where: string; pattern: string }[] {
  const out: { where: string; pattern: string }[] = [];
  const stack: [unknown, string][] = [[value, where]];
  while (stack.length && out.length < 1000) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string' && v.startsWith('re:')) out.push({ where: at, pattern: v });
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${at}[${i}]`]));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) stack.push([x, `${at}.${k}`]);
  }
  return out.sort((a, b) => a.where.localeCompare(b.where));
}
