// A cold index build of a large notes tree runs in a worker thread with a bounded heap: the build
// allocates far more than it keeps (every note line parsed, folded and serialised), and in the main
// thread V8 grew its heap lazily to several times the live set (386 MB peak at 100k records). In a
// worker, resourceLimits cap the old generation, so the heap is collected instead of grown, and the
// main thread holds nothing of the build. The worker writes the index file itself, exactly as the
// in-process build does (same code: coldBuildFile); if it cannot start, fails or runs out of
// memory, the caller builds in process as before.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { GitEngine, RepoLocation } from '../git/engine.js';
import type { OpenIndexOptions } from './open.js';

/** What the worker is handed. */
export interface WorkerBuildInput {
  location: RepoLocation;
  tip: string;
  ref?: string;
}

/** Messages from the worker. */
export type WorkerBuildMessage = { progress: [number, number] } | { done: boolean };

/**
 * Cold builds of about this many notes or more go to a worker (as many as spill to disk): below it
 * the in-process heap stays small, and starting a worker would only add its start-up.
 */
const WORKER_FROM_NOTES = 20_000;

/**
 * Heap limits of the worker. The live set of a 100k-record build stays near 120 MB (per-entry
 * fields, the notes map, the spill offsets); the old generation may hold a little more than that
 * before V8 must collect. A larger history that needs more fails over to the in-process build.
 */
const LIMITS = { maxOldGenerationSizeMb: 176, maxYoungGenerationSizeMb: 24 };

/**
 * About how many notes the tree of `tip` holds, from two tree reads: git fans notes out evenly by
 * hash, so the first fanout subtree stands for every other (a nested one counts as 256 times its
 * own size: it exists only past 65k notes).
 */
async function estimateNotes(engine: GitEngine, tip: string): Promise<number> {
  const root = await engine.readTree((await engine.readCommit(tip)).tree);
  const subtrees = root.filter((e) => e.type === 'tree');
  const first = subtrees[0];
  if (!first) return root.length;
  const inner = await engine.readTree(first.oid);
  const perSubtree = inner.some((e) => e.type === 'tree') ? 256 * inner.length : inner.length;
  return root.length - subtrees.length + subtrees.length * perSubtree;
}

/** AGENT_LOG_INDEX_WORKER_HEAP_MB sets the old-generation cap (tests make a worker run out of memory). */
function limits() {
  const mb = Number(process.env.AGENT_LOG_INDEX_WORKER_HEAP_MB);
  return mb > 0 ? { ...LIMITS, maxOldGenerationSizeMb: mb } : LIMITS;
}

/** The bundled worker script beside the CLI bundle (dist/index-worker.cjs); absent when run from source. */
function workerScript(): string | null {
  try {
    const path = fileURLToPath(new URL('./index-worker.cjs', import.meta.url));
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Build the index file of `tip` in a worker. Returns the build's result, or null when no worker was
 * used or it did not finish (the caller then builds in process). AGENT_LOG_INDEX_WORKER=0 never
 * uses one, =1 always does (when the worker script is there), for tests.
 */
export async function coldBuildInWorker(
  engine: GitEngine,
  tip: string,
  opts: OpenIndexOptions,
): Promise<boolean | null> {
  const asked = process.env.AGENT_LOG_INDEX_WORKER;
  if (asked === '0' || engine.name !== 'native') return null;
  const script = workerScript();
  if (!script) return null;
  if (asked !== '1' && (await estimateNotes(engine, tip)) < WORKER_FROM_NOTES) return null;
  const input: WorkerBuildInput = { location: engine.location, tip, ref: opts.ref };
  return new Promise<boolean | null>((resolve) => {
    let result: boolean | null = null;
    let worker: Worker;
    try {
      worker = new Worker(script, {
        workerData: input,
        resourceLimits: limits(),
        stdout: false,
        stderr: false,
      });
    } catch {
      resolve(null);
      return;
    }
    worker.on('message', (m: WorkerBuildMessage) => {
      if ('progress' in m) opts.onProgress?.(m.progress[0], m.progress[1]);
      else result = m.done;
    });
    // Out of memory, a crash, anything: no result, and the caller builds in process.
    worker.on('error', () => {});
    worker.on('exit', () => resolve(result));
  });
}
