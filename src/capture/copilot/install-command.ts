// `install copilot` / `uninstall copilot`: our hooks in .github/hooks/agent-log.json (./install.ts).
import { installerFor } from '../session/install-target.js';
import { COPILOT_HOOKS } from './install.js';

export const { install, uninstall } = installerFor(COPILOT_HOOKS);
