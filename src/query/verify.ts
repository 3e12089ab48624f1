// The CI policy gate: decide, from records alone, whether runs kept their boundaries, ran the
// required checks after their last edit and passed them, and carry the approvals the policy asks.
// A person can act on a failure: an approval whose scope names the breach (`boundary:README.md`) or
// the failed check (`check:lint`) covers it, as far as the policy lets approvals cover things.
import { boundaryBreaches, isRedactedPath, matchGlob } from '../record/glob.js';
import { isFutureDate } from '../record/note-lines.js';
import type { Approval, Check, RunRecord } from '../record/schema.js';

/** What an approval may cover: a boundary breach, a failed check the policy does not require, or one it does. */
export type Coverable = 'boundary' | 'optional-check' | 'required-check';

export interface VerifyPolicy {
  /** Check kinds or names that must have a passing final attempt after the last edit (when files changed). */
  require_checks: string[];
  /** Approval scopes that must be present (approved, not denied). */
  require_approvals: string[];
  /** Refuse weakened required checks (narrowed filters, `|| true`, hidden exit codes). */
  forbid_weakened: boolean;
  /** Refuse runs that ended failed or abandoned. */
  require_completed: boolean;
  /** A failed check the policy does not require: ignored, reported (default), or failing the gate. */
  optional_checks: 'ignore' | 'warn' | 'fail';
  /** What an approval with a matching scope covers (`boundary:GLOB`, `check:NAME`). */
  approvals_cover: Coverable[];
  /** Only approvals signed by a trusted key count (gpg.ssh.allowedSignersFile, or gpg's trust). */
  require_signed_approvals: boolean;
}

export const DEFAULT_POLICY: VerifyPolicy = {
  require_checks: ['test'],
  require_approvals: [],
  forbid_weakened: true,
  require_completed: true,
  optional_checks: 'warn',
  approvals_cover: ['boundary', 'optional-check'],
  require_signed_approvals: false,
};

const COVERABLE: readonly Coverable[] = ['boundary', 'optional-check', 'required-check'];

export function policyFrom(config: unknown): VerifyPolicy {
  const v = (config && typeof config === 'object' ? (config as Record<string, unknown>).verify : null) as
    Record<string, unknown> | null | undefined;
  if (!v || typeof v !== 'object') return DEFAULT_POLICY;
  const list = (x: unknown, d: string[]) => (Array.isArray(x) ? x.map(String) : d);
  const bool = (x: unknown, d: boolean) => (typeof x === 'boolean' ? x : d);
  return {
    require_checks: list(v.require_checks, DEFAULT_POLICY.require_checks),
    require_approvals: list(v.require_approvals, DEFAULT_POLICY.require_approvals),
    forbid_weakened: bool(v.forbid_weakened, DEFAULT_POLICY.forbid_weakened),
    require_completed: bool(v.require_completed, DEFAULT_POLICY.require_completed),
    optional_checks:
      v.optional_checks === 'ignore' || v.optional_checks === 'warn' || v.optional_checks === 'fail'
        ? v.optional_checks
        : DEFAULT_POLICY.optional_checks,
    approvals_cover: Array.isArray(v.approvals_cover)
      ? COVERABLE.filter((c) => (v.approvals_cover as unknown[]).includes(c))
      : DEFAULT_POLICY.approvals_cover,
    require_signed_approvals: bool(v.require_signed_approvals, DEFAULT_POLICY.require_signed_approvals),
  };
}

/** Trust of signed approvals, by event id, as the CLI checked them (signing.ts). */
export type ApprovalTrust = ReadonlyMap<string, 'trusted' | 'untrusted' | 'bad' | 'unknown'>;

export interface Verdict {
  id: string;
  ok: boolean;
  /** Why the run fails the gate (empty when ok). */
  reasons: string[];
  /** Facts that do not fail the gate: covered breaches, failed optional checks, unsigned approvals. */
  notes: string[];
}

/** The approvals that count: approved, signed and trusted when the policy asks, latest decision per person and scope. */
function standingDecisions(
  r: RunRecord,
  policy: VerifyPolicy,
  trust: ApprovalTrust,
  notes: string[],
  reasons: string[],
) {
  const latest = new Map<string, Approval>();
  for (const a of r.approvals) {
    const status = a.event ? trust.get(a.event) : undefined;
    const who = `${a.by}${a.email ? ` <${a.email}>` : ''}`;
    if (status === 'bad') {
      reasons.push(`approval by ${who} for "${a.scope}" has a signature that does not match it (altered?)`);
      continue;
    }
    if (a.decision !== 'denied' && isFutureDate(a.at)) {
      notes.push(`approval by ${who} for "${a.scope}" does not count: it is dated in the future (${a.at})`);
      continue;
    }
    if (policy.require_signed_approvals && a.decision !== 'denied' && a.recorded_by) {
      notes.push(`approval for "${a.scope}" does not count: ${a.recorded_by.name} recorded it for ${a.by}`);
      continue;
    }
    if (policy.require_signed_approvals && a.decision !== 'denied' && status !== 'trusted') {
      notes.push(
        `approval by ${who} for "${a.scope}" does not count: ${a.signed ? 'its signer is not trusted' : 'it is not signed'}`,
      );
      continue;
    }
    // One person's later decision on a scope replaces their earlier one (approvals are in `at` order).
    latest.set(`${(a.email ?? a.by).toLowerCase()}\u0000${a.scope.toLowerCase()}`, a);
  }
  return [...latest.values()];
}

/** Scopes of the form `kind:target` (or bare `kind`, meaning every target). */
function scopeTarget(scope: string, kind: 'boundary' | 'check'): string | null {
  const s = scope.trim();
  if (s.toLowerCase() === kind) return '*';
  const prefix = `${kind}:`;
  return s.toLowerCase().startsWith(prefix) ? s.slice(prefix.length).trim() || '*' : null;
}

function coversPath(scope: string, path: string): boolean {
  const target = scopeTarget(scope, 'boundary');
  if (target === null) return false;
  return target === '*' || target === '**' || target === path || matchGlob(path, target);
}

function coversCheck(scope: string, c: Check): boolean {
  const target = scopeTarget(scope, 'check');
  if (target === null) return false;
  const t = target.toLowerCase();
  return t === '*' || t === c.name.toLowerCase() || t === String(c.kind).toLowerCase();
}

export function verifyRecord(
  r: RunRecord,
  policy: VerifyPolicy = DEFAULT_POLICY,
  trust: ApprovalTrust = new Map(),
): Verdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const decisions = standingDecisions(r, policy, trust, notes, reasons);
  /** Whether a standing approval covers something; a standing denial of a covering scope wins. */
  const covered = (matches: (scope: string) => boolean, what: string): boolean => {
    const relevant = decisions.filter((a) => matches(a.scope));
    const denied = relevant.find((a) => a.decision === 'denied');
    if (denied) {
      reasons.push(`${what}: ${denied.by} denied "${denied.scope}"`);
      return true; // reported as the denial, not twice
    }
    const ok = relevant.find((a) => a.decision !== 'denied');
    if (ok) notes.push(`${what}: approved by ${ok.by} ("${ok.scope}")`);
    return ok !== undefined;
  };
  const mayCover = (c: Coverable) => policy.approvals_cover.includes(c);

  for (const b of boundaryBreaches(
    r.files.changed.map((f) => f.path),
    r.boundary,
  )) {
    const what =
      b.reason === 'denied'
        ? `changed ${b.path}, which the boundary denies`
        : isRedactedPath(b.path)
          ? `changed ${b.path}, whose name held a secret (a redacted path is outside every allowed path)`
          : `changed ${b.path}, outside the allowed paths`;
    if (mayCover('boundary') && covered((s) => coversPath(s, b.path), what)) continue;
    reasons.push(what);
  }
  if (policy.require_completed && r.outcome.status !== 'completed')
    reasons.push(`run ended ${r.outcome.status}`);

  const isRequired = (c: Check) => policy.require_checks.some((q) => c.kind === q || c.name === q);
  for (const c of r.checks) {
    const required = isRequired(c);
    if (c.status === 'failed') {
      const what = `${required ? 'required ' : ''}check ${c.name} failed`;
      const coverable = mayCover(required ? 'required-check' : 'optional-check');
      if (coverable && covered((s) => coversCheck(s, c), what)) continue;
      if (required || policy.optional_checks === 'fail') reasons.push(what);
      else if (policy.optional_checks === 'warn') notes.push(`${what} (not required by the policy)`);
    }
    if (c.weakened) {
      const what = `check ${c.name} was weakened: ${c.weakened}`;
      if (required && policy.forbid_weakened) reasons.push(what);
      else if (policy.optional_checks !== 'ignore') notes.push(what);
    }
  }
  if (r.files.changed.length > 0) {
    for (const req of policy.require_checks) {
      const matching = r.checks.filter((c) => c.kind === req || c.name === req);
      if (matching.length === 0) reasons.push(`no ${req} check ran`);
      else if (
        matching.some(
          (c) =>
            c.status === 'failed' &&
            mayCover('required-check') &&
            decisions.some((a) => a.decision !== 'denied' && coversCheck(a.scope, c)),
        )
      )
        continue; // a person approved the failure (reported above)
      else if (!matching.some((c) => c.status === 'passed' && c.after_last_edit !== false))
        reasons.push(`no passing ${req} check after the last edit`);
    }
  }
  for (const scope of policy.require_approvals) {
    const a = decisions.filter((x) => x.scope.toLowerCase() === scope.toLowerCase());
    if (a.some((x) => x.decision === 'denied')) reasons.push(`approval for "${scope}" was denied`);
    else if (a.length === 0) reasons.push(`no approval for "${scope}"`);
  }
  return { id: r.id, ok: reasons.length === 0, reasons: [...new Set(reasons)], notes };
}
