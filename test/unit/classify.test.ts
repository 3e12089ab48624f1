import { describe, expect, test } from 'vitest';
import { classifyCommand, detectWeakening, mayWriteFiles } from '../../src/capture/classify.js';
import { splitCommands } from '../../src/capture/shell-words.js';

describe('splitCommands', () => {
  test('splits on operators and removes quotes', () => {
    expect(splitCommands(`cd 'a b' && FOO="x y" npm test -- -t "adds one" | tail -5`)).toEqual([
      { words: ['cd', 'a b'], next: '&&' },
      { words: ['FOO=x y', 'npm', 'test', '--', '-t', 'adds one'], next: '|' },
      { words: ['tail', '-5'], next: null },
    ]);
  });
  test('reads redirections with their descriptor and sets heredoc bodies aside', () => {
    expect(splitCommands(`mix test 2>&1 | tail -5`)).toEqual([
      { words: ['mix', 'test'], next: '|', redirects: [{ op: '>&', fd: 2, target: '1' }] },
      { words: ['tail', '-5'], next: null },
    ]);
    expect(splitCommands(`cat > f.txt <<'EOF'\na && b > c\nEOF\nnpm test`)).toEqual([
      {
        words: ['cat'],
        next: '\n',
        redirects: [
          { op: '>', fd: null, target: 'f.txt' },
          { op: '<<', fd: null, target: 'EOF' },
        ],
      },
      { words: ['npm', 'test'], next: null },
    ]);
  });
  test('a command substitution with a heredoc and quotes inside stays one word', () => {
    const line = `git commit -m "$(cat <<'EOF'\nIt's done; see <a@b.c>\nEOF\n)" && git push`;
    expect(splitCommands(line)).toEqual([
      { words: ['git', 'commit', '-m', `$(cat <<'EOF'\nIt's done; see <a@b.c>\nEOF\n)`], next: '&&' },
      { words: ['git', 'push'], next: null },
    ]);
  });
  test('keeps operators inside quotes as text', () => {
    expect(splitCommands(`echo "a && b; c | d"`)).toEqual([{ words: ['echo', 'a && b; c | d'], next: null }]);
  });
});

describe('classifyCommand', () => {
  const cases: [string, string][] = [
    ['npm test', 'test'],
    ['npm t', 'test'],
    // Elixir, Deno, Bun, monorepo runners, task runners, Python envs, Bazel, pre-commit, Dart
    ['mix test test/a_test.exs', 'test'],
    ['mix dialyzer --format short', 'typecheck'],
    ['mix credo --strict', 'lint'],
    ['mix format --check-formatted', 'lint'],
    ['mix format', 'other'],
    ['mix precommit', 'test'],
    ['deno test -A', 'test'],
    ['deno lint', 'lint'],
    ['deno task typecheck', 'typecheck'],
    ['bun test', 'test'],
    ['bun run lint', 'lint'],
    ['nx test web', 'test'],
    ['nx run web:lint', 'lint'],
    ['nx run-many -t build test', 'test'],
    ['nx affected --target=lint', 'other'],
    ['turbo run build', 'build'],
    ['turbo test --filter=api', 'test'],
    ['just test', 'test'],
    ['just lint', 'lint'],
    ['tox -e lint', 'lint'],
    ['tox', 'test'],
    ['nox -s tests', 'test'],
    ['bazel test //...', 'test'],
    ['bazel build //app', 'build'],
    ['pre-commit run --all-files', 'lint'],
    ['flutter analyze', 'lint'],
    ['dart test', 'test'],
    ['zig build test', 'test'],
    ['bin/rails test', 'test'],
    ['npm run test:unit', 'test'],
    ['npm run lint', 'lint'],
    ['npm run typecheck', 'typecheck'],
    ['npm run build', 'build'],
    ['npm ci', 'install'],
    ['npm install zod', 'install'],
    ['npm -w packages/api test', 'test'],
    ['pnpm test', 'test'],
    ['pnpm --filter api lint', 'lint'],
    ['pnpm install', 'install'],
    ['pnpm exec vitest run', 'test'],
    ['yarn', 'install'],
    ['yarn test --watch=false', 'test'],
    ['yarn workspace web build', 'build'],
    ['yarn add -D vitest', 'install'],
    ['bun test', 'test'],
    ['bun run lint', 'lint'],
    ['bun install', 'install'],
    ['npx jest src/foo.test.ts', 'test'],
    ['npx vitest run', 'test'],
    ['npx tsc --noEmit', 'typecheck'],
    ['npx eslint .', 'lint'],
    ['npx biome check src', 'lint'],
    ['npx prettier --check .', 'lint'],
    ['npx prettier --write .', 'other'],
    ['./node_modules/.bin/mocha', 'test'],
    ['ava', 'test'],
    ['node --test test/', 'test'],
    ['node scripts/gen.js', 'other'],
    ['pytest -q', 'test'],
    ['python -m pytest tests', 'test'],
    ['uv run pytest', 'test'],
    ['poetry run mypy src', 'typecheck'],
    ['tox -e py312', 'test'],
    ['nox -s tests', 'test'],
    ['ruff check .', 'lint'],
    ['ruff format .', 'other'],
    ['ruff format --check .', 'lint'],
    ['flake8', 'lint'],
    ['mypy .', 'typecheck'],
    ['pyright', 'typecheck'],
    ['pip install -r requirements.txt', 'install'],
    ['go test ./...', 'test'],
    ['go vet ./...', 'lint'],
    ['go build ./cmd/x', 'build'],
    ['go mod tidy', 'install'],
    ['cargo test', 'test'],
    ['cargo clippy -- -D warnings', 'lint'],
    ['cargo build --release', 'build'],
    ['cargo fmt --check', 'lint'],
    ['tsc -p .', 'typecheck'],
    ['tsc -b', 'build'],
    ['eslint src', 'lint'],
    ['make test', 'test'],
    ['make check', 'test'],
    ['make lint', 'lint'],
    ['make -j4 build', 'build'],
    ['make', 'build'],
    ['make install-hooks', 'other'],
    ['./gradlew test', 'test'],
    ['gradle :app:check', 'test'],
    ['./gradlew assemble', 'build'],
    ['mvn test', 'test'],
    ['mvn -q package -DskipTests', 'build'],
    ['./mvnw verify', 'test'],
    ['rspec spec/models', 'test'],
    ['bundle exec rspec', 'test'],
    ['vendor/bin/phpunit', 'test'],
    ['dotnet test', 'test'],
    ['dotnet build', 'build'],
    ['swift test', 'test'],
    ['swift build', 'build'],
    ['cd api && npm test', 'test'],
    ['cd api; CI=1 npm test', 'test'],
    ['timeout 60 npm test', 'test'],
    ['timeout -s KILL 5m pytest', 'test'],
    ['env NODE_ENV=test npx jest', 'test'],
    ['time cargo test', 'test'],
    ['npm ci && npm test', 'test'],
    ['npm run build && npm run lint', 'lint'],
    ['git status', 'other'],
    ['ls -la', 'other'],
    ['cat package.json | grep test', 'other'],
    ['', 'other'],
  ];
  test.each(cases)('%s -> %s', (cmd, kind) => {
    expect(classifyCommand(cmd)).toBe(kind);
  });
});

describe('detectWeakening', () => {
  const failedFull = [{ command: 'npm test', exit_code: 1 }];
  test('a plain test run is not weakened', () => {
    expect(detectWeakening('npm test', [])).toBeNull();
  });
  test('|| true ignores the exit code', () => {
    expect(detectWeakening('npm test || true')).toMatch(/exit code ignored \(\|\| true\)/);
  });
  test('--passWithNoTests lets an empty run pass', () => {
    expect(detectWeakening('npx jest --passWithNoTests')).toMatch(/--passWithNoTests/);
  });
  test('a pipe into tail without pipefail hides the exit code', () => {
    expect(detectWeakening('npm test 2>&1 | tail -20')).toMatch(/piped into tail/);
    expect(detectWeakening('pytest | grep FAILED')).toMatch(/piped into grep/);
  });
  test('pipefail keeps the exit code', () => {
    expect(detectWeakening('set -o pipefail; npm test | tail -20')).toBeNull();
  });
  test('skip flags and variables are reported', () => {
    expect(detectWeakening('SKIP_TESTS=1 make test')).toMatch(/SKIP_TESTS=1/);
    expect(detectWeakening('pytest -m "not slow"')).toMatch(/deselects tests/);
    expect(detectWeakening('mvn verify -DskipTests')).toMatch(/-DskipTests skips tests/);
    expect(detectWeakening('./gradlew check -x test')).toMatch(/excludes task test/);
    expect(detectWeakening('go test -short ./...')).toMatch(/-short/);
    expect(detectWeakening('cargo test -- --skip slow')).toMatch(/--skip/);
  });
  test('a narrowed filter after a failing full run is weakened', () => {
    expect(detectWeakening('npm test -- -t "adds one"', failedFull)).toMatch(/narrowed to -t adds one/);
    expect(
      detectWeakening('npx jest --testNamePattern=adds', [{ command: 'npx jest', exit_code: 1 }]),
    ).toMatch(/narrowed/);
    expect(detectWeakening('pytest -k test_login', [{ command: 'pytest', exit_code: 1 }])).toMatch(
      /-k test_login/,
    );
    expect(
      detectWeakening('go test -run TestFoo ./...', [{ command: 'go test ./...', exit_code: 1 }]),
    ).toMatch(/-run TestFoo/);
    expect(
      detectWeakening('npx vitest run src/a.test.ts', [{ command: 'npx vitest run', exit_code: 1 }]),
    ).toMatch(/src\/a.test.ts/);
  });
  test('a narrowed run without a failing full run before it is not weakened', () => {
    expect(detectWeakening('npm test -- -t "adds one"', [{ command: 'npm test', exit_code: 0 }])).toBeNull();
    expect(detectWeakening('pytest -k test_login', [])).toBeNull();
  });
  test('a different suite failing does not make a filter weakened', () => {
    expect(detectWeakening('pytest -k x', [{ command: 'npm test', exit_code: 1 }])).toBeNull();
  });
  test('non-check commands are never weakened', () => {
    expect(detectWeakening('ls || true')).toBeNull();
  });
});

describe('mayWriteFiles', () => {
  test.each([
    ['sed -i s/a/b/ x.ts', true],
    ['echo hi > out.txt', true],
    ['npx prettier --write .', true],
    ['npm test 2>&1', false],
    ['npm test &> log.txt', true],
    ['npm test > /dev/null', false],
    ['cat a.txt', false],
    ['git commit -m x', false],
    // Quoted `<`/`>` are text: commit messages, arrows, e-mail addresses.
    ['git commit -m "a -> b"', false],
    [
      `git commit -m "$(cat <<'EOF'\nFix the parser's edge case\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)"`,
      false,
    ],
    ['echo "x > y" | grep ">"', false],
    // git subcommands that leave the working tree alone
    ['git checkout -b feature/x', false],
    ['git switch -c feature/x', false],
    ['git status && git diff && git log --oneline -5', false],
    ['git push origin HEAD && git fetch && git tag v1 && git branch -d old', false],
    ['git reset --soft HEAD~1', false],
    ['git stash list', false],
    // ... and those that change it
    ['git checkout -- src/a.ts', true],
    ['git checkout main', true],
    ['git restore src/a.ts', true],
    ['git stash pop', true],
    ['git stash', true],
    ['git apply fix.patch', true],
    ['git -C sub mv a.ts b.ts', true],
    ['git rm old.ts', true],
    ['git reset --hard HEAD', true],
    // heredoc bodies are data; the redirect before them writes
    [`cat > notes.md <<'EOF'\nnot > a redirect\nEOF`, true],
    [`python3 - <<'EOF'\nprint("a > b")\nEOF`, false],
    ['mix format', true],
    ['mix format --check-formatted', false],
  ])('%s -> %s', (cmd, expected) => {
    expect(mayWriteFiles(cmd)).toBe(expected);
  });
});
