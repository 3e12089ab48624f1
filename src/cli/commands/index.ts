// Every command module, by file name. main.ts imports a module only when its command runs.
// One line per command; keep alphabetical.
export const COMMAND_MODULES: Record<string, string> = {
  adopt: './adopt.js',
  approve: './approve.js',
  attach: './attach.js',
  doctor: './doctor.js',
  exec: './exec.js',
  finish: './finish.js',
  init: './init.js',
  log: './log.js',
  note: './note.js',
  pr: './pr.js',
  revert: './revert.js',
  rollback: './rollback.js',
  show: './show.js',
  start: './start.js',
  sync: './sync.js',
  trailer: './trailer.js',
  verify: './verify.js',
};
