// Which paths are configuration: CI, containers, environment, tool configs, infrastructure, migrations.
// A change to one of them changes how code is built, checked or deployed, so reviewers see it apart.
const CONFIG_PATTERNS: RegExp[] = [
  // CI and repository automation
  /^\.github\/(workflows|actions)\//,
  /^\.github\/(dependabot|CODEOWNERS)/,
  /(^|\/)CODEOWNERS$/,
  /^\.gitlab-ci\.ya?ml$|^\.gitlab\//,
  /^\.circleci\//,
  /^\.buildkite\//,
  /(^|\/)Jenkinsfile$/,
  /^azure-pipelines\.ya?ml$/,
  /^\.travis\.ya?ml$/,
  /^bitbucket-pipelines\.ya?ml$/,
  /^\.drone\.ya?ml$/,
  /(^|\/)\.pre-commit-config\.ya?ml$/,
  /^\.husky\//,
  // containers
  /(^|\/)Dockerfile[^/]*$|(^|\/)[^/]*\.Dockerfile$|(^|\/)Containerfile$/,
  /(^|\/)(docker-)?compose[^/]*\.ya?ml$/,
  /(^|\/)\.dockerignore$/,
  // environment and secrets layout
  /(^|\/)\.env(\.[^/]*)?$|(^|\/)\.envrc$/,
  // language and tool configuration
  /(^|\/)tsconfig[^/]*\.json$|(^|\/)jsconfig\.json$/,
  /(^|\/)\.?eslint[^/]*$|(^|\/)eslint\.config\.[cm]?[jt]s$/,
  /(^|\/)\.prettierrc[^/]*$|(^|\/)prettier\.config\.[cm]?[jt]s$/,
  /(^|\/)biome\.jsonc?$/,
  /(^|\/)\.editorconfig$/,
  /(^|\/)(jest|vitest|vite|webpack|rollup|babel|next|nuxt|svelte|astro|playwright|cypress|tailwind|postcss)\.config\.[cm]?[jt]s$/,
  /(^|\/)\.babelrc[^/]*$/,
  /(^|\/)\.npmrc$|(^|\/)\.yarnrc(\.yml)?$|(^|\/)\.nvmrc$|(^|\/)\.node-version$|(^|\/)\.tool-versions$/,
  /(^|\/)(setup\.cfg|tox\.ini|noxfile\.py|pytest\.ini|mypy\.ini|\.flake8|ruff\.toml|\.ruff\.toml|\.pylintrc)$/,
  /(^|\/)(rustfmt|clippy)\.toml$|(^|\/)\.cargo\/config(\.toml)?$|(^|\/)rust-toolchain(\.toml)?$/,
  /(^|\/)\.golangci\.ya?ml$/,
  /(^|\/)\.rubocop\.yml$/,
  /(^|\/)Makefile$|(^|\/)Justfile$|(^|\/)Taskfile\.ya?ml$/,
  /(^|\/)\.gitattributes$|(^|\/)\.gitmodules$/,
  /(^|\/)\.claude\/settings(\.local)?\.json$|(^|\/)\.codex\/|(^|\/)\.gemini\/settings\.json$/,
  // infrastructure
  /\.(tf|tfvars|hcl)$/,
  /(^|\/)(k8s|kubernetes|manifests|deploy|deployment|helm|charts|kustomize|infra|infrastructure|terraform|ansible|pulumi)\//,
  /(^|\/)Chart\.yaml$|(^|\/)kustomization\.ya?ml$/,
  /(^|\/)serverless\.ya?ml$|(^|\/)(fly|render|vercel|netlify|app|wrangler)\.(toml|json|ya?ml)$|(^|\/)Procfile$/,
  /(^|\/)nginx[^/]*\.conf$|(^|\/)\.htaccess$/,
  // database migrations and schemas
  /(^|\/)migrations?\//,
  /(^|\/)(db|database)\/(migrate|schema)/,
  /(^|\/)alembic\//,
  /(^|\/)schema\.prisma$|(^|\/)prisma\/migrations\//,
];

export function isConfigPath(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return CONFIG_PATTERNS.some((re) => re.test(p));
}
