import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Finds the skysift package folder from the source tree or the compiled `dist/` tree. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'proto', 'object_class.proto'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(
    `The skysift package folder was not found above ${fileURLToPath(import.meta.url)}`,
  );
}
