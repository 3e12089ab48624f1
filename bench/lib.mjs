// Shared by the benches: the environment every bench runs git and the CLI with (pinned identity,
// no user or system config), so figures do not depend on the machine's git setup.
//
// Node's own start-up settings are left out too, unless BENCH_KEEP_NODE_ENV=1: NODE_EXTRA_CA_CERTS
// makes every node start parse a CA bundle (60-80 ms of CPU on the development machine, where it
// is set for a proxy, against 20-30 ms for a whole `node -e 0` without it), and NODE_OPTIONS can
// carry V8 flags that make node reject the bundles' code caches. Neither is part of what a command
// costs on a developer's machine, and both would shift every ratio against a C baseline.
export const NODE_ENV_DROPPED = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'].filter(
  (k) => process.env.BENCH_KEEP_NODE_ENV !== '1' && process.env[k] !== undefined,
);

export const BENCH_GIT_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !NODE_ENV_DROPPED.includes(k))),
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
