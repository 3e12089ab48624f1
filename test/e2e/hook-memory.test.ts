import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { gitEnv, ROOT, tempRepo } from '../helpers/repo.js';

test('a 50 MB hook payload is read with bounded memory (peak far below the payload size)', async () => {
  const repo = await tempRepo({ files: { 'a.txt': '1' } });
  const out = join(mkdtempSync(join(tmpdir(), 'agent-log-rss-')), 'rss');
  try {
    const payload = JSON.stringify({
      session_id: 'mem',
      cwd: repo.dir,
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_mem',
      tool_input: { command: 'cat big.log' },
      tool_response: { stdout: 'x'.repeat(50 * 1024 * 1024), stderr: '' },
    });
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/hook-rss.mjs')], {
        cwd: repo.dir,
        env: gitEnv({ HOOK_ENTRY: join(ROOT, 'dist/hook-entry.mjs'), RSS_OUT: out }),
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.on('close', resolve);
      child.stdin.end(payload);
    });
    expect(code).toBe(0);
    const peakMb = Number(readFileSync(out, 'utf8')) / 1024;
    // Holding the payload once as a string would cost 100 MB (UTF-16) on top of node's ~45 MB.
    expect(peakMb).toBeLessThan(120);
  } finally {
    repo.cleanup();
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});
