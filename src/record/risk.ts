// Risk level of a run, with the reasons, from the record alone. Pure.
import type { RunRecord } from './schema.js';

export function assessRisk(record: RunRecord): { level: 'low' | 'medium' | 'high'; reasons: string[] } {
  const reasons: string[] = [];
  if (record.dependencies.length) reasons.push('dependencies changed');
  if (record.config_changes.length) reasons.push('configuration changed');
  if (record.checks.some((c) => c.status === 'failed')) reasons.push('a check failed');
  const level = reasons.length >= 2 ? 'high' : reasons.length === 1 ? 'medium' : 'low';
  return { level, reasons };
}
