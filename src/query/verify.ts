// The CI policy gate: decide, from records alone, whether runs kept their boundaries, ran the
// required checks after their last edit and passed them, and carry the approvals the policy asks.
import { boundaryBreaches, isRedactedPath } from '../record/glob.js';
import type { RunRecord } from '../record/schema.js';

export interface VerifyPolicy {
  /** Check kinds or names that must have a passing final attempt after the last edit (when files changed). */
  require_checks: string[];
  /** Approval scopes that must be present (approved, not denied). */
  require_approvals: string[];
  /** Refuse weakened checks (narrowed filters, `|| true`, hidden exit codes). */
  forbid_weakened: boolean;
  /** Refuse runs that ended failed or abandoned. */
  require_completed: boolean;
}

export const DEFAULT_POLICY: VerifyPolicy = {
  require_checks: ['test'],
  require_approvals: [],
  forbid_weakened: true,
  require_completed: true,
};

export function policyFrom(config: unknown): VerifyPolicy {
  const v = (config && typeof config === 'object' ? (config as Record<string, unknown>).verify : null) as
    Record<string, unknown> | null | undefined;
  if (!v || typeof v !== 'object') return DEFAULT_POLICY;
  const list = (x: unknown, d: string[]) => (Array.isArray(x) ? x.map(String) : d);
  return {
    require_checks: list(v.require_checks, DEFAULT_POLICY.require_checks),
    require_approvals: list(v.require_approvals, DEFAULT_POLICY.require_approvals),
    forbid_weakened:
      typeof v.forbid_weakened === 'boolean' ? v.forbid_weakened : DEFAULT_POLICY.forbid_weakened,
    require_completed:
      typeof v.require_completed === 'boolean' ? v.require_completed : DEFAULT_POLICY.require_completed,
  };
}

export interface Verdict {
  id: string;
  ok: boolean;
  reasons: string[];
}

export function verifyRecord(r: RunRecord, policy: VerifyPolicy = DEFAULT_POLICY): Verdict {
  const reasons: string[] = [];
  for (const b of boundaryBreaches(
    r.files.changed.map((f) => f.path),
    r.boundary,
  )) {
    reasons.push(
      b.reason === 'denied'
        ? `changed ${b.path}, which the boundary denies`
        : isRedactedPath(b.path)
          ? `changed ${b.path}, whose name held a secret (a redacted path is outside every allowed path)`
          : `changed ${b.path}, outside the allowed paths`,
    );
  }
  if (policy.require_completed && r.outcome.status !== 'completed')
    reasons.push(`run ended ${r.outcome.status}`);
  for (const c of r.checks) {
    if (c.status === 'failed') reasons.push(`check ${c.name} failed`);
    if (policy.forbid_weakened && c.weakened) reasons.push(`check ${c.name} was weakened: ${c.weakened}`);
  }
  if (r.files.changed.length > 0) {
    for (const req of policy.require_checks) {
      const matching = r.checks.filter((c) => c.kind === req || c.name === req);
      if (matching.length === 0) reasons.push(`no ${req} check ran`);
      else if (!matching.some((c) => c.status === 'passed' && c.after_last_edit !== false))
        reasons.push(`no passing ${req} check after the last edit`);
    }
  }
  for (const scope of policy.require_approvals) {
    const a = r.approvals.filter((x) => x.scope.toLowerCase() === scope.toLowerCase());
    if (a.some((x) => x.decision === 'denied')) reasons.push(`approval for "${scope}" was denied`);
    else if (a.length === 0) reasons.push(`no approval for "${scope}"`);
  }
  return { id: r.id, ok: reasons.length === 0, reasons };
}
