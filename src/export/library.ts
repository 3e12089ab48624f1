// Export-only libraries (Parquet writer, OpenTelemetry serializers) stay outside the CLI bundle and
// are loaded when an export needs them, so other commands never compile or load them. Loaded with
// require, not import(): the bundle runs from a code-cached vm.Script, which has no dynamic-import
// hook, and Node ≥ 20.19 (package.json engines) requires ES modules synchronously.
import { createRequire } from 'node:module';

export function exportLibrary<T>(name: string): T {
  return createRequire(import.meta.url)(name) as T;
}
