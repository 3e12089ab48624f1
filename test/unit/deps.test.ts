import { describe, expect, test } from 'vitest';
import { isConfigPath } from '../../src/capture/config-files.js';
import { dependencyChanges, isManifestPath } from '../../src/capture/deps.js';

const pick = (d: ReturnType<typeof dependencyChanges>) =>
  d.map(({ name, from, to, section }) => ({ name, from, to, ...(section ? { section } : {}) }));

describe('dependencyChanges', () => {
  test('package.json: added, removed, bumped, per section', () => {
    const before = JSON.stringify({
      dependencies: { zod: '^3.0.0', left: '1.0.0' },
      devDependencies: { vitest: '^3.0.0' },
    });
    const after = JSON.stringify({
      dependencies: { zod: '^4.0.0', yargs: '^18.0.0' },
      devDependencies: { vitest: '^3.0.0' },
      scripts: { x: 'y' },
    });
    expect(pick(dependencyChanges('package.json', before, after))).toEqual([
      { name: 'left', from: '1.0.0', to: null },
      { name: 'yargs', from: null, to: '^18.0.0' },
      { name: 'zod', from: '^3.0.0', to: '^4.0.0' },
    ]);
  });
  test('package.json: a devDependency carries its section; a new file counts as all added', () => {
    expect(
      pick(dependencyChanges('web/package.json', null, JSON.stringify({ devDependencies: { jest: '29' } }))),
    ).toEqual([{ name: 'jest', from: null, to: '29', section: 'devDependencies' }]);
  });
  test('malformed manifests read as empty instead of throwing', () => {
    expect(dependencyChanges('package.json', '{nope', '{"dependencies":{"a":"1"}}')).toHaveLength(1);
  });
  test('package-lock v3: only top-level packages', () => {
    const lock = (v: string) =>
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'x' },
          'node_modules/zod': { version: v },
          'node_modules/@scope/pkg': { version: '1.0.0' },
          'node_modules/a/node_modules/b': { version: v },
        },
      });
    expect(pick(dependencyChanges('package-lock.json', lock('3.22.0'), lock('4.0.1')))).toEqual([
      { name: 'zod', from: '3.22.0', to: '4.0.1' },
    ]);
  });
  test('package-lock v1 dependencies map', () => {
    const lock = (v: string) =>
      JSON.stringify({ lockfileVersion: 1, dependencies: { lodash: { version: v } } });
    expect(pick(dependencyChanges('package-lock.json', lock('4.17.20'), lock('4.17.21')))).toEqual([
      { name: 'lodash', from: '4.17.20', to: '4.17.21' },
    ]);
  });
  test('pnpm-lock v9: root importer dependencies', () => {
    const lock = (v: string) => `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      zod:
        specifier: ^3.0.0
        version: ${v}
      '@types/node':
        specifier: ^20
        version: 20.1.0(typescript@5.0.0)
  packages/other:
    dependencies:
      ignored:
        specifier: '1'
        version: 1.0.${v === '3.22.0' ? '0' : '1'}

packages:

  zod@${v}:
    resolution: {integrity: sha512-x}
`;
    expect(pick(dependencyChanges('pnpm-lock.yaml', lock('3.22.0'), lock('3.23.1')))).toEqual([
      { name: 'zod', from: '3.22.0', to: '3.23.1' },
    ]);
  });
  test('yarn.lock v1 and berry', () => {
    const v1 = (v: string) =>
      `# yarn lockfile v1\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "${v}"\n  resolved "https://x"\n\nleft-pad@^1.0.0:\n  version "1.3.0"\n`;
    expect(pick(dependencyChanges('yarn.lock', v1('7.1.0'), v1('7.2.0')))).toEqual([
      { name: '@babel/core', from: '7.1.0', to: '7.2.0' },
    ]);
    const berry = (v: string) =>
      `__metadata:\n  version: 6\n\n"zod@npm:^3.0.0":\n  version: ${v}\n  resolution: "zod@npm:${v}"\n`;
    expect(pick(dependencyChanges('yarn.lock', berry('3.0.0'), berry('3.1.0')))).toEqual([
      { name: 'zod', from: '3.0.0', to: '3.1.0' },
    ]);
  });
  test('requirements.txt: specs, extras, comments and options', () => {
    const before = 'requests==2.31.0\n# comment\n-r base.txt\nDjango>=4.2  # web\n';
    const after = 'requests==2.32.0\nDjango>=4.2\nuvicorn[standard]\nflask ; python_version>"3.8"\n';
    expect(pick(dependencyChanges('requirements-dev.txt', before, after))).toEqual([
      { name: 'flask', from: null, to: '*' },
      { name: 'requests', from: '==2.31.0', to: '==2.32.0' },
      { name: 'uvicorn', from: null, to: '*' },
    ]);
  });
  test('pyproject.toml: PEP 621 arrays, optional groups and Poetry tables', () => {
    const before = `[project]\nname = "x"\ndependencies = [\n  "httpx>=0.27",\n  "pydantic>=2",\n]\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[tool.poetry.dependencies]\npython = "^3.11"\nrich = "^13.0"\n`;
    const after = `[project]\nname = "x"\ndependencies = [\n  "httpx>=0.28",\n  "pydantic>=2",\n]\n\n[project.optional-dependencies]\ntest = ["pytest>=8", "pytest-cov"]\n\n[tool.poetry.dependencies]\npython = "^3.12"\nrich = { version = "^14.0", extras = ["jupyter"] }\n`;
    expect(pick(dependencyChanges('pyproject.toml', before, after))).toEqual([
      { name: 'httpx', from: '>=0.27', to: '>=0.28' },
      { name: 'pytest-cov', from: null, to: '*', section: 'test' },
      { name: 'rich', from: '^13.0', to: '^14.0' },
    ]);
  });
  test('go.mod: single-line and block requires', () => {
    const before =
      'module x\n\ngo 1.22\n\nrequire github.com/a/b v1.0.0\n\nrequire (\n\tgolang.org/x/sync v0.6.0\n\tgithub.com/c/d v0.1.0 // indirect\n)\n';
    const after =
      'module x\n\ngo 1.22\n\nrequire github.com/a/b v1.1.0\n\nrequire (\n\tgolang.org/x/sync v0.6.0\n)\n';
    expect(pick(dependencyChanges('go.mod', before, after))).toEqual([
      { name: 'github.com/a/b', from: 'v1.0.0', to: 'v1.1.0' },
      { name: 'github.com/c/d', from: 'v0.1.0', to: null },
    ]);
  });
  test('Cargo.toml: inline tables, dotted tables, dev-dependencies', () => {
    const before =
      '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\nserde = { version = "1.0", features = ["derive"] }\nanyhow = "1"\n\n[dev-dependencies]\ninsta = "1.34"\n';
    const after =
      '[package]\nname = "x"\nversion = "0.2.0"\n\n[dependencies]\nserde = { version = "1.0", features = ["derive"] }\nanyhow = "1.0.80"\n\n[dependencies.tokio]\nversion = "1"\nfeatures = ["full"]\n\n[dev-dependencies]\ninsta = "1.34"\n';
    expect(pick(dependencyChanges('Cargo.toml', before, after))).toEqual([
      { name: 'anyhow', from: '1', to: '1.0.80' },
      { name: 'tokio', from: null, to: '1' },
    ]);
  });
  test('Gemfile, Gemfile.lock and composer.json', () => {
    expect(
      pick(dependencyChanges('Gemfile', "gem 'rails', '~> 7.0'\n", "gem 'rails', '~> 7.1'\ngem \"pg\"\n")),
    ).toEqual([
      { name: 'pg', from: null, to: '*' },
      { name: 'rails', from: '~> 7.0', to: '~> 7.1' },
    ]);
    const lock = (v: string) =>
      `GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (${v})\n    rails (7.1.0)\n      rack (>= 2)\n\nPLATFORMS\n  ruby\n`;
    expect(pick(dependencyChanges('Gemfile.lock', lock('3.0.0'), lock('3.0.1')))).toEqual([
      { name: 'rack', from: '3.0.0', to: '3.0.1' },
    ]);
    expect(
      pick(
        dependencyChanges(
          'composer.json',
          '{"require":{"php":">=8.1"}}',
          '{"require":{"php":">=8.2"},"require-dev":{"phpunit/phpunit":"^10"}}',
        ),
      ),
    ).toEqual([
      { name: 'php', from: '>=8.1', to: '>=8.2' },
      { name: 'phpunit/phpunit', from: null, to: '^10', section: 'require-dev' },
    ]);
  });
  test('isManifestPath', () => {
    for (const p of [
      'package.json',
      'a/package-lock.json',
      'pnpm-lock.yaml',
      'yarn.lock',
      'requirements.txt',
      'requirements/dev.in',
      'requirements-test.txt',
      'pyproject.toml',
      'go.mod',
      'Cargo.toml',
      'Gemfile',
      'Gemfile.lock',
      'composer.json',
    ])
      expect(isManifestPath(p), p).toBe(true);
    for (const p of ['src/package.ts', 'go.sum', 'README.md']) expect(isManifestPath(p), p).toBe(false);
  });
});

describe('isConfigPath', () => {
  test.each([
    '.github/workflows/ci.yml',
    '.gitlab-ci.yml',
    'Dockerfile',
    'services/api/Dockerfile.dev',
    'docker-compose.yml',
    'compose.prod.yaml',
    '.env',
    '.env.production',
    'tsconfig.json',
    'packages/a/tsconfig.build.json',
    '.eslintrc.cjs',
    'eslint.config.js',
    '.prettierrc',
    'biome.json',
    'vitest.config.ts',
    'infra/main.tf',
    'k8s/deployment.yaml',
    'charts/api/Chart.yaml',
    'db/migrations/001_init.sql',
    'prisma/schema.prisma',
    'alembic/versions/abc.py',
    '.claude/settings.json',
  ])('%s is configuration', (p) => {
    expect(isConfigPath(p)).toBe(true);
  });
  test.each(['src/index.ts', 'README.md', 'test/env.test.ts', 'src/environment.ts', 'docs/docker.md'])(
    '%s is not',
    (p) => {
      expect(isConfigPath(p)).toBe(false);
    },
  );
});
