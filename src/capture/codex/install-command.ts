// `install codex` / `uninstall codex`: our hooks in the project's hook file (./install.ts).
import { installerFor } from '../session/install-target.js';
import { CODEX_HOOKS } from './install.js';

export const { install, uninstall } = installerFor(CODEX_HOOKS);
