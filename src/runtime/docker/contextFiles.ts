import { readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Every file (and symlink) under `dir`, as sorted relative POSIX paths: the `src` list a build context
 * needs. Directories are not listed themselves because the tar packer would then add their files twice.
 */
export async function listContextFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else files.push(path);
    }
  };
  await walk("");
  return files.sort();
}
