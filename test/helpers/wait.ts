// Waiting for work the CLI hands to a detached process (the start snapshot, the seal at SessionEnd).
// The bound is a safety net, not an expectation: on a loaded two-core machine a detached seal has
// taken over 20 s, so the wait runs up to two minutes and the files that use it raise their test
// timeout to match. It returns as soon as the probe answers.
import { setTimeout as sleep } from 'node:timers/promises';

export const DETACHED_WAIT_MS = 120_000;
/** Test timeout for files that wait on detached work: the wait plus the test's own steps. */
export const DETACHED_TEST_TIMEOUT_MS = DETACHED_WAIT_MS + 120_000;

export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = DETACHED_WAIT_MS,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}
