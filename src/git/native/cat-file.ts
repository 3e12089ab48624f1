// One long-lived `git cat-file --batch` per engine: bulk object reads without a process per object.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { GitError } from '../../errors.js';
import { gitSpawnEnv } from './run.js';

export interface RawObject {
  type: string;
  content: Buffer;
  /** The object id git resolved the name to (from the batch header). */
  oid?: string;
}

interface Pending {
  oid: string;
  resolve: (o: RawObject | null) => void;
  reject: (e: Error) => void;
}

export class CatFileBatch {
  private child: ChildProcessWithoutNullStreams | null = null;
  private queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private failed: Error | null = null;

  constructor(
    private readonly cwd: string,
    /** Extra environment, read at each (re)start. */
    private readonly extraEnv: () => NodeJS.ProcessEnv | undefined = () => undefined,
  ) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: this.cwd,
      env: gitSpawnEnv(this.extraEnv()),
    });
    child.stdout.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.drain();
    });
    child.stderr.resume();
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.queue.splice(0)) p.reject(e);
      this.child = null;
    };
    child.on('error', (e) => fail(new GitError(`cannot run git cat-file: ${e.message}`)));
    child.on('close', () => {
      if (this.queue.length) fail(new GitError('git cat-file exited early'));
      this.child = null;
    });
    child.stdin.on('error', () => {});
    this.child = child;
    return child;
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
      if (this.buf.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift();
      head.resolve({ type: type ?? 'unknown', content, oid });
    }
  }

  read(oid: string): Promise<RawObject | null> {
    if (this.failed) return Promise.reject(this.failed);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ oid, resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  async readMany(oids: readonly string[]): Promise<Map<string, RawObject>> {
    const results = await Promise.all(oids.map((o) => this.read(o)));
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
