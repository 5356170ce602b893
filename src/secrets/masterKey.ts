import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { AimsError } from "../domain/errors.js";

const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The 32-byte master key that seals secrets: from config (base64), else `<dataDir>/master.key`, generated once
 * with mode 0600. A key file other users can read is refused rather than used.
 */
export function loadMasterKey(config: { masterKey?: string; dataDir: string }): Buffer {
  if (config.masterKey !== undefined && config.masterKey !== "") {
    return decodeKey(config.masterKey, "the configured master key (AIMS_MASTER_KEY / masterKey)");
  }
  const path = join(config.dataDir, "master.key");
  return readKeyFile(path) ?? createKeyFile(config.dataDir, path);
}

/** Reads and checks an existing key file; undefined when there is none. */
function readKeyFile(path: string): Buffer | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if ((mode & 0o077) !== 0) {
    throw new AimsError(
      "invalid_input",
      `master key file ${path} has mode ${mode.toString(8).padStart(4, "0")}, so other users can read it; run \`chmod 600 ${path}\` (and consider rotating the key)`,
    );
  }
  return decodeKey(readFileSync(path, "utf8"), `master key file ${path}`);
}

/**
 * Writes a new key to a private temp file (`wx`, 0600) and links it into place: link fails if another process
 * won the race, and the file is never seen half-written. The loser reads the winner's key.
 */
function createKeyFile(dataDir: string, path: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const existing = readKeyFile(path);
    if (!existing) throw err;
    return existing;
  } finally {
    unlinkSync(temp);
  }
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = BASE64.test(trimmed) ? Buffer.from(trimmed, "base64") : undefined;
  if (!key || key.length !== KEY_BYTES || key.toString("base64") !== trimmed) {
    throw new AimsError(
      "invalid_input",
      `${source} must be base64 of exactly ${KEY_BYTES} bytes (generate one with \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}
