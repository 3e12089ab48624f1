// Which paths are configuration: CI, containers, environment, tool configs, infrastructure, migrations.
const CONFIG_PATTERNS: RegExp[] = [
  /^\.github\/workflows\//,
  /^\.gitlab-ci\.yml$/,
  /(^|\/)Dockerfile[^/]*$/,
  /(^|\/)(docker-)?compose[^/]*\.ya?ml$/,
  /(^|\/)\.env(\.[^/]*)?$/,
  /(^|\/)tsconfig[^/]*\.json$/,
  /(^|\/)\.?eslint[^/]*$/,
  /(^|\/)migrations?\//,
  /\.tf$/,
];

export function isConfigPath(path: string): boolean {
  return CONFIG_PATTERNS.some((re) => re.test(path));
}
