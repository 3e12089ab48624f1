// The worker thread of a cold index build (see worker-build.ts): bundled alone as
// dist/index-worker.cjs. It opens its own native engine on the repository and runs the same build
// as the main thread would, then reports whether the index file was written.
import { parentPort, workerData } from 'node:worker_threads';
import { NativeEngine } from '../git/native/engine.js';
import { faultPoint } from '../store/fault.js';
import { coldBuildFile } from './open.js';
import type { WorkerBuildInput, WorkerBuildMessage } from './worker-build.js';

async function main(): Promise<void> {
  const input = workerData as WorkerBuildInput;
  const post = (m: WorkerBuildMessage) => parentPort!.postMessage(m);
  const engine = new NativeEngine(input.location);
  try {
    faultPoint('index-worker-start');
    const done = await coldBuildFile(engine, input.tip, {
      ref: input.ref,
      onProgress: (d, t, stage) => post({ progress: [d, t, stage] }),
    });
    faultPoint('index-worker-built');
    post({ done });
  } finally {
    await engine.close();
  }
}

void main();
