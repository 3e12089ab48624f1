// Who is acting in a guard command: the --by value, else the git identity, else nobody.
import type { Context } from './context.js';

type Repo = Awaited<ReturnType<Context['repo']>>;

export async function actingPerson(repo: Repo, by: string | undefined): Promise<string | null> {
  return (
    by?.trim() ||
    (await repo.engine
      .identity()
      .then((i) => i.name)
      .catch(() => null))
  );
}
