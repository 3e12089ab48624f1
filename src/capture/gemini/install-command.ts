// `install gemini` / `uninstall gemini`: our hooks in the project's hook file (./install.ts).
import { installerFor } from '../session/install-target.js';
import { GEMINI_HOOKS } from './install.js';

export const { install, uninstall } = installerFor(GEMINI_HOOKS);
