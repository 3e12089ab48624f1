// `install cursor` / `uninstall cursor`: our hooks in the project's .cursor/hooks.json (./install.ts).
import { installerFor } from '../session/install-target.js';
import { CURSOR_HOOKS } from './install.js';

export const { install, uninstall } = installerFor(CURSOR_HOOKS);
