import {
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The proxy's directory: `trees/<generation>/` holds each rendered candidate, `current` is a symlink to
 * the live one (swapped with one rename, so nginx never reads half a tree), and run/, logs/, tmp/ are
 * nginx's own.
 */
export class ConfigTree {
  constructor(readonly root: string) {}

  get currentLink(): string {
    return join(this.root, "current");
  }

  /** The configuration file nginx is started with: always through the `current` symlink. */
  get liveConfig(): string {
    return join(this.currentLink, "nginx.conf");
  }

  treeDir(generation: string): string {
    return join(this.root, "trees", generation);
  }

  /** Creates run/, logs/, tmp/ and trees/ (mode 0700: only AIMS reads them; nginx's master opens what its workers need). */
  prepare(): void {
    for (const dir of ["run", "logs", "tmp", "trees"])
      mkdirSync(join(this.root, dir), { recursive: true, mode: 0o700 });
  }

  /** The live generation (the target of `current`), or undefined before the first good apply. */
  liveGeneration(): string | undefined {
    try {
      return basename(readlinkSync(this.currentLink));
    } catch {
      return undefined;
    }
  }

  /** True when a tree of this generation was written and validated before (its content is a function of its name). */
  isComplete(generation: string): boolean {
    return existsSync(join(this.treeDir(generation), ".validated"));
  }

  /** Writes a candidate tree from scratch. */
  write(generation: string, files: Map<string, string>): string {
    const dir = this.treeDir(generation);
    rmSync(dir, { recursive: true, force: true });
    for (const [file, text] of files) {
      const path = join(dir, file);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, text, { mode: 0o600 });
    }
    return join(dir, "nginx.conf");
  }

  markValidated(generation: string): void {
    writeFileSync(join(this.treeDir(generation), ".validated"), "");
  }

  discard(generation: string): void {
    if (this.liveGeneration() !== generation)
      rmSync(this.treeDir(generation), { recursive: true, force: true });
  }

  /** Points `current` at a validated tree in one rename. */
  swap(generation: string): void {
    const tmp = join(this.root, `current.${process.pid}.tmp`);
    rmSync(tmp, { force: true });
    symlinkSync(join("trees", generation), tmp);
    renameSync(tmp, this.currentLink);
  }

  /** Removes trees other than the live one and the `keep` most recent others (the fallbacks to look at). */
  prune(keep = 2): void {
    const live = this.liveGeneration();
    const trees = join(this.root, "trees");
    const others = readdirSync(trees)
      .filter((name) => name !== live)
      .map((name) => ({ name, mtime: statSync(join(trees, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of others.slice(keep)) rmSync(join(trees, old.name), { recursive: true, force: true });
  }
}
