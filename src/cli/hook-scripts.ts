// The shell blocks `init` writes into git hooks. Each decides in shell, before any Node starts,
// whether there is work: a sequencer replay (rebase, cherry-pick, revert, am) never is; otherwise
// the marks under <git common dir>/agent-log (journal/marks.ts) say whether a run is open or waits
// here. With nothing to do the block is a few file tests; with work it runs the bundled fast path
// (`git-agent-log git-hook …`). Blocks carry a version stamp: `doctor` reports older ones and
// `init` rewrites them in place. Blocks never print and never fail a commit.

/** Bump when the generated shell changes: `doctor` flags blocks with a lower stamp as outdated. */
export const HOOK_SCRIPT_VERSION = 3;

const STAMP = /^# git-agent-log hook v(\d+)\b/m;

/** The stamp of an installed block: 1 for blocks written before stamps existed, null for none. */
export function installedHookVersion(block: string): number | null {
  if (!block.includes('git-agent-log') && !block.includes('agent-log')) return null;
  const m = STAMP.exec(block);
  return m ? Number(m[1]) : 1;
}

export interface HookScriptOptions {
  /**
   * The absolute path of the tool that ran `init`, tried first. Omit it for hook directories inside
   * the working tree (`.husky/`, `.githooks/`): those are committed, and a path from one machine
   * means nothing on another; other clones find the project's devDependency or the tool on PATH.
   */
  bin?: string | null;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Shell that sets agent_log_gd (this worktree's git dir), agent_log_cd (common dir), agent_log_key. */
const LOCATE = `  agent_log_gd=\${GIT_DIR:-.git}
  if [ -f "$agent_log_gd" ]; then
    agent_log_l=
    IFS= read -r agent_log_l <"$agent_log_gd" || [ -n "$agent_log_l" ] || return 0
    agent_log_gd=\${agent_log_l#gitdir: }
  fi
  # a sequencer replay (rebase, cherry-pick, revert, am): trailers are in the messages already and
  # notes follow the rewrite (notes.rewriteRef), so there is nothing to do
  if [ -d "$agent_log_gd/rebase-merge" ] || [ -d "$agent_log_gd/rebase-apply" ] ||
    [ -d "$agent_log_gd/sequencer" ] || [ -f "$agent_log_gd/CHERRY_PICK_HEAD" ] ||
    [ -f "$agent_log_gd/REVERT_HEAD" ]; then return 0; fi
  agent_log_key=main
  agent_log_cd=$agent_log_gd
  if [ -f "$agent_log_gd/commondir" ]; then
    agent_log_l=
    IFS= read -r agent_log_l <"$agent_log_gd/commondir" || [ -n "$agent_log_l" ] || return 0
    case $agent_log_l in /*) agent_log_cd=$agent_log_l ;; *) agent_log_cd=$agent_log_gd/$agent_log_l ;; esac
    agent_log_key=\${agent_log_gd%/}
    agent_log_key=\${agent_log_key##*/}
  fi
  agent_log_cd=\${GIT_COMMON_DIR:-$agent_log_cd}
  agent_log_m=$agent_log_cd/agent-log`;

/** Shell that sets agent_log_bin, or returns when the tool is not installed in this clone. */
function findTool(bin: string | null | undefined): string {
  const candidates = ['node_modules/.bin/git-agent-log', ...(bin ? [bin] : [])].map(q).join(' ');
  return `  agent_log_bin=
  for agent_log_b in ${candidates}; do
    if [ -x "$agent_log_b" ]; then agent_log_bin=$agent_log_b; break; fi
  done
  if [ -z "$agent_log_bin" ]; then agent_log_bin=$(command -v git-agent-log 2>/dev/null) || return 0; fi`;
}

function block(hook: string, summary: string, body: string, call: string): string {
  const fn = `agent_log_${hook.replace(/-/g, '_')}`;
  return `# git-agent-log hook v${HOOK_SCRIPT_VERSION} (${hook}): ${summary}
# Written by \`git agent-log init\`, which rewrites this block; \`git agent-log doctor\` checks it.
${fn}() {
${body}
}
${fn} "$@" ${call}`;
}

export function prepareCommitMsgBlock(opts: HookScriptOptions = {}): string {
  return block(
    'prepare-commit-msg',
    'add Agent-Log trailers while a run is open or waits here',
    `  case \${2-} in merge | commit) return 0 ;; esac
${LOCATE}
  if [ ! -f "$agent_log_m/marks/$agent_log_key.live" ] && [ ! -f "$agent_log_m/marks/$agent_log_key.pending" ]; then
    # no agent session and nothing waiting: at most a run started by hand, whose ID the marker holds
    [ -f "$agent_log_m/active/$agent_log_key" ] || return 0
    agent_log_l=
    IFS= read -r agent_log_l <"$agent_log_m/active/$agent_log_key" || [ -n "$agent_log_l" ] || return 0
    case $agent_log_l in '' | *[!0-9a-z]*) return 0 ;; esac
    [ -f "$agent_log_m/runs/$agent_log_l.jsonl" ] || return 0
    git interpret-trailers --in-place --if-exists addIfDifferent --trailer "Agent-Log: $agent_log_l" "$1" >/dev/null 2>&1
    return 0
  fi
${findTool(opts.bin)}
  "$agent_log_bin" git-hook prepare-commit-msg "$@" </dev/null >/dev/null 2>&1`,
    '|| :',
  );
}

export function postCommitBlock(opts: HookScriptOptions = {}): string {
  return block(
    'post-commit',
    'attach finished runs that wait for a commit here',
    `${LOCATE}
  [ -f "$agent_log_m/marks/$agent_log_key.pending" ] || return 0
${findTool(opts.bin)}
  "$agent_log_bin" git-hook post-commit </dev/null >/dev/null 2>&1`,
    '|| :',
  );
}

/**
 * pre-push: the only hook that may fail (a refusal must stop the push). Nothing recorded in this
 * repository (no notes ref) means nothing to scan or publish: no Node starts.
 */
export function prePushBlock(opts: HookScriptOptions = {}): string {
  return block(
    'pre-push',
    'check and publish records along with the push',
    `  git rev-parse -q --verify refs/notes/agent-log >/dev/null 2>&1 || return 0
${findTool(opts.bin)}
  "$agent_log_bin" pre-push "$@" || return 1`,
    '|| exit 1',
  );
}
