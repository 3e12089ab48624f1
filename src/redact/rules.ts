// Redaction rules: each a named pattern. The record keeps rule ids and counts, never values.
// This module must stay dependency-free: the hook path loads it.

export interface RedactionRule {
  id: string;
  /** Must be global (`g`). The whole match is replaced unless `group` names the secret part. */
  pattern: RegExp;
  /** Index of the capture group holding the secret; the rest of the match is kept. */
  group?: number;
}

export const BASELINE_RULES: RedactionRule[] = [
  {
    id: 'private-key',
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  },
  { id: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { id: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { id: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { id: 'stripe-key', pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { id: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}\b/g },
  { id: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}\b/g },
  { id: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  { id: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  {
    id: 'credentialed-url',
    pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"`]+:)([^\s@/'"`]+)(@)/gi,
    group: 2,
  },
  {
    id: 'secret-assignment',
    pattern:
      /\b((?:[A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|ACCESS_KEY|_KEY)|password|passwd|secret|token|api_?key)["']?\s*[=:]\s*["']?)([^\s"'`,;&]{4,})/g,
    group: 2,
  },
];
