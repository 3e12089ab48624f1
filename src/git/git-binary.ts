// Whether a `git` binary is on a PATH: looked up in its directories, no process spawned. Apart from
// repo.ts so that the small `show` bundle (cli/show-main.ts) asks the same question without loading
// the engines.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function gitOnPath(path: string | undefined): boolean {
  return (path ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((d) => {
      try {
        accessSync(join(d, 'git'), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
