// Fault injection for crash tests: AGENT_LOG_FAULT=<point> makes the process kill itself there
// (SIGKILL: no cleanup runs, exactly like a crash). Points: after-objects, before-cas, after-cas;
// holding-lock (isomorphic engine, src/git/isomorphic/refs.ts: right after taking the ref lock);
// index-worker-start, index-worker-built (the cold index build's worker thread: src/index/worker-entry.ts);
// index-renamed (an index file renamed into place, its lookup file not yet written: src/index/file.ts).
// AGENT_LOG_FAULT_STOP=<point> stops the process there instead (SIGSTOP), until the test sends SIGCONT:
// two processes interleaved exactly as a race may interleave them.
export function faultPoint(name: string): void {
  if (process.env.AGENT_LOG_FAULT === name) process.kill(process.pid, 'SIGKILL');
  if (process.env.AGENT_LOG_FAULT_STOP === name) process.kill(process.pid, 'SIGSTOP');
}
