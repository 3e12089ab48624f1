// What a changed path or a command is, for risk and rollback: lockfiles, manifests, migrations,
// secrets-adjacent files, configuration. Pure, by name only (no file contents).

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Lockfile name → the command that reinstalls from it. */
const LOCKFILES: Record<string, string> = {
  'package-lock.json': 'npm ci',
  'npm-shrinkwrap.json': 'npm ci',
  'yarn.lock': 'yarn install --frozen-lockfile',
  'pnpm-lock.yaml': 'pnpm install --frozen-lockfile',
  'bun.lockb': 'bun install --frozen-lockfile',
  'bun.lock': 'bun install --frozen-lockfile',
  'Cargo.lock': 'cargo fetch',
  'poetry.lock': 'poetry install',
  'uv.lock': 'uv sync',
  'Pipfile.lock': 'pipenv sync',
  'Gemfile.lock': 'bundle install',
  'go.sum': 'go mod download',
  'composer.lock': 'composer install',
  'mix.lock': 'mix deps.get',
};

const MANIFESTS = new Set([
  'package.json',
  'Cargo.toml',
  'pyproject.toml',
  'requirements.txt',
  'Pipfile',
  'Gemfile',
  'go.mod',
  'composer.json',
  'mix.exs',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
]);

export function isLockfile(path: string): boolean {
  return base(path) in LOCKFILES;
}

/** The reinstall command for a lockfile, or null when `path` is not one. */
export function reinstallCommand(path: string): string | null {
  return LOCKFILES[base(path)] ?? null;
}

export function isManifest(path: string): boolean {
  return MANIFESTS.has(base(path)) || /^requirements[-\w]*\.txt$/.test(base(path));
}

const MIGRATION_PATH = /(^|\/)(migrations?|migrate)\/|(^|\/)alembic\/versions\/|(^|\/)db\/schema\.rb$/i;
const MIGRATION_COMMAND =
  /\b(db:migrate|migrate\s+(deploy|dev|up|latest|run)|alembic\s+upgrade|knex\s+migrate|flyway\s+migrate|sequelize\s+db:migrate|manage\.py\s+migrate|diesel\s+migration\s+run|goose\s+up|dbmate\s+up)\b/i;

export function isMigrationPath(path: string): boolean {
  return MIGRATION_PATH.test(path);
}

export function isMigrationCommand(command: string): boolean {
  return MIGRATION_COMMAND.test(command);
}

const SECRET_NAMES =
  /^(\.env(\..*)?|\.envrc|\.netrc|\.npmrc|\.pypirc|id_(rsa|dsa|ecdsa|ed25519)(\.pub)?|credentials(\.json)?|secrets?\.(json|ya?ml|toml)|.*\.(pem|key|p12|pfx|jks|keystore|asc|gpg))$/i;
const SECRET_DIRS = /(^|\/)(\.ssh|\.aws|\.gnupg|secrets?)\//i;

/** Files that usually hold or govern credentials: .env files, keys, certificates, credential stores. */
export function isSecretsAdjacent(path: string): boolean {
  const name = base(path);
  if (/^\.env\.(example|sample|template)$/i.test(name)) return false;
  return SECRET_NAMES.test(name) || SECRET_DIRS.test(path);
}

const CONFIG_PATH =
  /(^|\/)(\.github\/workflows\/|\.gitlab-ci\.yml$|\.circleci\/|Jenkinsfile$|Dockerfile$|docker-compose[^/]*\.ya?ml$|\.gitattributes$|\.gitmodules$|tsconfig[^/]*\.json$|\.eslintrc|eslint\.config\.|biome\.jsonc?$|vite\.config\.|vitest\.config\.|webpack\.config\.|\.husky\/|\.pre-commit-config\.yaml$|Makefile$|\.editorconfig$|\.npmrc$|\.nvmrc$|renovate\.json$|\.claude\/settings)/;

/** Build, CI, tooling and agent configuration. */
export function isConfigPath(path: string): boolean {
  return CONFIG_PATH.test(path);
}
