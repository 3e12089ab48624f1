// Output of the small bundles (show-main.ts, blame-main.ts), written without process.stdout.
import { writeSync } from 'node:fs';

/**
 * An answer written to fd 1 directly: creating process.stdout (its stream, and for a pipe the net
 * and stream modules under it) was about 3 ms of the small bundles' processes. A pipe that would block, or
 * anything else unusual, gets the rest through process.stdout as before; a closed one ends the run
 * quietly, as invoke.ts exitOnClosedStdout does (`show --json | head`).
 */
export function writeStdout(text: string | Buffer): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
    });
    process.stdout.write(bytes.subarray(done));
  }
}
