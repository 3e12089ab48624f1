// Placeholder until the isomorphic engine lands (feat/iso).
import { UnsupportedRepoError } from '../../errors.js';
import type { GitEngine, RepoLocation } from '../engine.js';

export async function createIsomorphicEngine(_location: RepoLocation): Promise<GitEngine> {
  throw new UnsupportedRepoError('the isomorphic engine is not available in this build');
}
