// Which build of git-agent-log this code is: set by the bundler (scripts/build-key.mjs, a hash of the
// sources, templates and version); 'unbundled' when run from the TypeScript or tsc output.
declare const __AGENT_LOG_BUILD__: string | undefined;

export const BUILD_KEY: string = typeof __AGENT_LOG_BUILD__ === 'string' ? __AGENT_LOG_BUILD__ : 'unbundled';
