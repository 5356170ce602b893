// tar-fs 2 ships no types; this declares the one call AIMS makes (pack a directory into a tar stream).
declare module "tar-fs" {
  import type { Readable } from "node:stream";

  export interface PackHeader {
    name: string;
    mode: number;
    uid: number;
    gid: number;
    uname?: string;
    gname?: string;
  }

  export interface PackOptions {
    /** Rewrites each entry's header (its name, owner, mode) before it is written. */
    map?: (header: PackHeader) => PackHeader;
    /** Sorts each directory's entries, so the same tree packs into the same stream. */
    sort?: boolean;
  }

  export function pack(cwd: string, options?: PackOptions): Readable;
}
