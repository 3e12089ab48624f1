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
import type { BuildStage, OpenIndexOptions } from './open.js';

/** What the worker is handed. */
export interface WorkerBuildInput {
  location: RepoLocation;
  tip: string;
  ref?: string;
}

/** Messages from the worker. */
export type WorkerBuildMessage = { progress: [number, number, BuildStage?] } | { done: boolean };

/**
 * Cold builds of about this many notes or more go to a worker (as many as spill to disk): below it
 * the in-process heap stays small, and starting a worker would only add its start-up.
 */
const WORKER_FROM_NOTES = 20_000;

/**
 * Heap limits of the worker. The live set of a 100k-record build peaks near 130 MB (per-entry
 * fields, the notes map, the spill offsets); 176 MB of old generation holds it with room for V8 to
 * collect rather than grow (peak RSS 300 MB). A cap close to the live set makes V8 collect over and
 * over before it gives up (a 136 MB cap at 100k: minutes of GC, then the in-process fallback), so
 * the cap grows with the history: 1.76 MB per thousand notes, never less than 176 MB.
 * AGENT_LOG_INDEX_WORKER_HEAP_MB sets it (tests make a worker run out of memory).
 */
function limits(notes: number) {
  const asked = Number(process.env.AGENT_LOG_INDEX_WORKER_HEAP_MB);
  const oldMb = asked > 0 ? asked : Math.max(176, Math.ceil(notes * 0.00176));
  return { maxOldGenerationSizeMb: oldMb, maxYoungGenerationSizeMb: 24 };
}

/**
 * About how many notes the tree of `tip` holds, from one tree read per fanout level: git fans notes
 * out evenly by hash, so the first subtree at each level stands for its siblings.
 */
async function estimateNotes(engine: GitEngine, tip: string): Promise<number> {
  const count = async (tree: string): Promise<number> => {
    const entries = await engine.readTree(tree);
    const subtrees = entries.filter((e) => e.type === 'tree');
    if (subtrees.length === 0) return entries.length;
    return entries.length - subtrees.length + subtrees.length * (await count(subtrees[0]!.oid));
  };
  return count((await engine.readCommit(tip)).tree);
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
  const notes = await estimateNotes(engine, tip);
  if (asked !== '1' && notes < WORKER_FROM_NOTES) return null;
  const input: WorkerBuildInput = { location: engine.location, tip, ref: opts.ref };
  return new Promise<boolean | null>((resolve) => {
    let result: boolean | null = null;
    let worker: Worker;
    try {
      worker = new Worker(script, {
        workerData: input,
        resourceLimits: limits(notes),
        stdout: false,
        stderr: false,
      });
    } catch {
      resolve(null);
      return;
    }
    worker.on('message', (m: WorkerBuildMessage) => {
      if ('progress' in m) opts.onProgress?.(m.progress[0], m.progress[1], m.progress[2]);
      else result = m.done;
    });
    // Out of memory, a crash, anything: no result, and the caller builds in process.
    worker.on('error', () => {});
    worker.on('exit', () => resolve(result));
  });
}
