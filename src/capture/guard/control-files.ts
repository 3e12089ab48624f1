// The control lines of a run (human stops, overrides, reviews), for the seal and the CLI.
import { allControl, type ControlLine } from './control.js';
import { controlPath } from './state.js';

export function runControl(commonDir: string, runId: string): ControlLine[] {
  return allControl(controlPath(commonDir, runId));
}
