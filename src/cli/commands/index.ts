// Every command module, by file name. main.ts imports a module only when its command runs.
// One line per command; keep alphabetical.
export const COMMAND_MODULES: Record<string, string> = {
  adopt: './adopt.js',
  approve: './approve.js',
  attach: './attach.js',
  doctor: './doctor.js',
  exec: './exec.js',
  finish: './finish.js',
  import: './import.js',
  init: './init.js',
  install: './install.js',
  log: './log.js',
  note: './note.js',
  'seal-pending': './seal-pending.js',
  'session-snapshot': './session-snapshot.js',
  show: './show.js',
  start: './start.js',
  sync: './sync.js',
  trailer: './trailer.js',
  uninstall: './uninstall.js',
  verify: './verify.js',
};
