// One long-lived `git cat-file --batch` per engine: bulk object reads without a process per object.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from '../../errors.js';
import { gitSpawnEnv } from './run.js';

export interface RawObject {
  type: string;
  content: Buffer;
  /** The object id git resolved the name to (from the batch header). */
  oid?: string;
  /** Set when the object was larger than asked for: its size; `content` is then empty. */
  oversized?: number;
}

interface Pending {
  oid: string;
  /** Objects larger than this are skipped as they stream by, never held in memory. */
  maxBytes: number;
  resolve: (o: RawObject | null) => void;
  reject: (e: Error) => void;
}

export class CatFileBatch {
  private child: ChildProcessWithoutNullStreams | null = null;
  private queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  /** Chunks of an object body still arriving, and how many bytes the head of the queue needs. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private need = 0;
  /** Bytes of an oversized object (and its newline) still to discard. */
  private skip = 0;
  private failed: Error | null = null;

  constructor(
    private readonly cwd: string,
    /** Extra environment, read at each (re)start. */
    private readonly extraEnv: () => NodeJS.ProcessEnv | undefined = () => undefined,
  ) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    this.buf = Buffer.alloc(0);
    this.chunks = [];
    this.chunkBytes = this.need = this.skip = 0;
    // Loaded at the first git started, not at start-up (repo.ts says why).
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: this.cwd,
      env: gitSpawnEnv(this.extraEnv()),
    });
    child.stdout.on('data', (d: Buffer) => this.receive(d));
    // Kept short: only git's last words matter (why it stopped, e.g. a promisor remote unreachable).
    let said = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (said = (said + d).slice(-2000)));
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.queue.splice(0)) p.reject(e);
      this.child = null;
    };
    child.on('error', (e) => fail(new GitError(`cannot run git cat-file: ${e.message}`)));
    child.on('close', () => {
      const last = said
        .trim()
        .split('\n')
        .at(-1)
        ?.replace(/^(fatal|error): /, '');
      if (this.queue.length) fail(new GitError(`git cat-file exited early${last ? `: ${last}` : ''}`));
      this.child = null;
    });
    child.stdin.on('error', () => {});
    this.child = child;
    return child;
  }

  /**
   * Incoming bytes: skipped while an oversized object streams by; gathered as chunks while a large
   * body arrives (one copy at the end, not one per chunk); otherwise parsed.
   */
  private receive(d: Buffer) {
    if (this.skip > 0) {
      const n = Math.min(this.skip, d.length);
      this.skip -= n;
      d = d.subarray(n);
      if (d.length === 0) return;
    }
    if (this.need > 0) {
      this.chunks.push(d);
      this.chunkBytes += d.length;
      if (this.chunkBytes < this.need) return;
      d = Buffer.concat(this.chunks, this.chunkBytes);
      this.chunks = [];
      this.chunkBytes = 0;
      this.need = 0;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    this.drain();
  }

  private drain() {
    while (this.queue.length) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      const head = this.queue[0]!;
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift();
        head.resolve(null);
        continue;
      }
      const [oid, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      if (size > head.maxBytes) {
        const have = this.buf.length - (nl + 1);
        if (have >= size + 1) this.buf = this.buf.subarray(nl + 1 + size + 1);
        else {
          this.skip = size + 1 - have;
          this.buf = Buffer.alloc(0);
        }
        this.queue.shift();
        head.resolve({ type: type ?? 'unknown', content: Buffer.alloc(0), oid, oversized: size });
        if (this.skip > 0) return;
        continue;
      }
      if (this.buf.length < nl + 1 + size + 1) {
        // Wait for the rest of the body without re-copying the buffer on every chunk.
        this.chunks = [this.buf];
        this.chunkBytes = this.buf.length;
        this.need = nl + 1 + size + 1;
        this.buf = Buffer.alloc(0);
        return;
      }
      const content = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift();
      head.resolve({ type: type ?? 'unknown', content, oid });
    }
  }

  read(oid: string, maxBytes = Number.POSITIVE_INFINITY): Promise<RawObject | null> {
    if (this.failed) return Promise.reject(this.failed);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ oid, maxBytes, resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  async readMany(oids: readonly string[], maxBytes?: number): Promise<Map<string, RawObject>> {
    const results = await Promise.all(oids.map((o) => this.read(o, maxBytes)));
    const map = new Map<string, RawObject>();
    oids.forEach((o, i) => {
      const r = results[i];
      if (r) map.set(o, r);
    });
    return map;
  }

  close(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.on('close', () => resolve());
      child.stdin.end();
    });
  }
}
