// `install gemini` / `uninstall gemini`: our hooks in the project's .gemini/settings.json (see ../agent-install.ts).
import { GEMINI_HOOKS, installerFor } from '../agent-install.js';

export const { install, uninstall } = installerFor(GEMINI_HOOKS);
