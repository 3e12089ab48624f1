// Typed errors: each carries the exit code the CLI returns and an optional hint line.
// main() catches once and prints `error: <message>` (+ `hint: …`); nothing else prints errors.

export abstract class AgentLogError extends Error {
  abstract readonly exitCode: number;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, bad arguments, malformed input files: exit 2. */
export class UsageError extends AgentLogError {
  readonly exitCode = 2;
  readonly code = 'usage';
}

/** An ID, revision or record that does not exist: exit 1. */
export class NotFoundError extends AgentLogError {
  readonly exitCode = 1;
  readonly code = 'not-found';
}

/** An ID prefix that matches several records: exit 2 (the user must say more). */
export class AmbiguousIdError extends AgentLogError {
  readonly exitCode = 2;
  readonly code = 'ambiguous';
}

/** A policy check that did not pass (verify, scan): exit 1. */
export class CheckFailedError extends AgentLogError {
  readonly exitCode = 1;
  readonly code = 'check-failed';
}

/** The repository is in a state we cannot work with (not a repo, unsupported shape): exit 2. */
export class RepoError extends AgentLogError {
  readonly exitCode = 2;
  readonly code = 'repo';
}

/** The isomorphic engine was asked to open a repository shape it cannot handle safely. */
export class UnsupportedRepoError extends AgentLogError {
  readonly exitCode = 2;
  readonly code = 'unsupported-repo';
}

/** A git command or object operation failed unexpectedly: exit 1. */
export class GitError extends AgentLogError {
  readonly exitCode = 1;
  readonly code = 'git';
}

/**
 * A ref that cannot be read: it names a missing object, an object of the wrong type, or a commit
 * whose tree is missing (a damaged object store, a hand edit, a ref fetched without its objects): exit 1.
 */
export class BrokenRefError extends AgentLogError {
  readonly exitCode = 1;
  readonly code = 'broken-ref';
}

/** Compare-and-swap on the notes ref lost too many times in a row. */
export class ConcurrencyError extends AgentLogError {
  readonly exitCode = 1;
  readonly code = 'concurrency';
}

/** An export that could not be delivered (endpoint down, refused, 4xx/5xx): exit 1. */
export class ExportError extends AgentLogError {
  readonly exitCode = 1;
  readonly code = 'export';
}

export function isAgentLogError(e: unknown): e is AgentLogError {
  return e instanceof AgentLogError;
}
