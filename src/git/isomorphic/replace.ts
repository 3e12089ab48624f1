// git's replace refs (`git replace`, `git replace --graft`) for the isomorphic engine: a read of
// object X gives the content of the object refs/replace/X names, as every git reader does (cat-file,
// rev-list, log, blame), while X keeps its name. Off, as in git, with GIT_NO_REPLACE_OBJECTS in the
// environment or core.useReplaceRefs=false; GIT_REPLACE_REF_BASE moves the refs.
import { GitError } from '../../errors.js';
import type { ConfigReader } from './config.js';
import { isOid } from './objects.js';
import { listRefs } from './refs.js';

/** git's MAXREPLACEDEPTH: a chain of replacements longer than this is an error. */
const MAX_DEPTH = 5;

export type Replacements = ReadonlyMap<string, string>;

/** The replacements git would apply here (object → its replacement), or null when there are none. */
export async function readReplacements(
  commonDir: string,
  config: ConfigReader,
  env: NodeJS.ProcessEnv,
): Promise<Replacements | null> {
  if (env.GIT_NO_REPLACE_OBJECTS !== undefined) return null;
  const base = env.GIT_REPLACE_REF_BASE || 'refs/replace/';
  const out = new Map<string, string>();
  for (const [ref, oid] of await listRefs(commonDir, [base])) {
    const name = ref.slice(base.length);
    if (isOid(name)) out.set(name, oid); // git warns about any other name and passes it over
  }
  if (out.size === 0) return null;
  // Asked only when there are replace refs: reading the setting parses every config file.
  const use = (await config.get('core.useReplaceRefs'))?.trim().toLowerCase();
  if (use !== undefined && /^(false|no|off|0|)$/.test(use)) return null; // git's boolean false
  return out;
}

/** The object git reads for `oid`: its replacement's, followed as far as git follows. */
export function replaced(replacements: Replacements | null, oid: string): string {
  if (!replacements) return oid;
  let current = oid;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const next = replacements.get(current);
    if (next === undefined) return current;
    current = next;
  }
  if (!replacements.has(current)) return current;
  throw new GitError(`replace depth too high for object ${oid}`);
}
