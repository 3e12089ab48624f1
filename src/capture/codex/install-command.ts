// `install codex` / `uninstall codex`: our hooks in the project's .codex/hooks.json (see ../agent-install.ts).
import { CODEX_HOOKS, installerFor } from '../agent-install.js';

export const { install, uninstall } = installerFor(CODEX_HOOKS);
