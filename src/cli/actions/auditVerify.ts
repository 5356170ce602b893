import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { auditEntryViewSchema, fromAuditView } from "../../audit/auditView.js";
import { type ChainVerdict, ChainVerifier } from "../../audit/chainVerifier.js";
import { AimsError, ERROR_CODES } from "../../domain/errors.js";
import { formatIssues } from "../../domain/zodIssues.js";
import { RemoteApi } from "../client/RemoteApi.js";
import { configFrom, withPlatform } from "../context.js";
import { printJson } from "../output.js";

export interface AuditVerifyOptions {
  file?: string;
  partial?: boolean;
  json?: boolean;
}

/** `aims audit verify`: the store's chain (or the API's, or an export file's); exit 8 when it is broken. */
export async function runAuditVerify(cmd: Command, opts: AuditVerifyOptions): Promise<void> {
  if (opts.partial && !opts.file)
    throw new AimsError("invalid_input", "--partial checks an export file: give it with --file <file>");
  const verdict = opts.file ? await verifyFile(opts.file, Boolean(opts.partial)) : await verifyLog(cmd);
  if (opts.json) printJson(verdict);
  else process.stdout.write(`${describeVerdict(verdict, opts.file)}\n`);
  if (!verdict.ok) process.exitCode = ERROR_CODES.failed.exitCode;
}

async function verifyLog(cmd: Command): Promise<ChainVerdict> {
  const config = configFrom(cmd);
  if (config.remote)
    return (await new RemoteApi(config.remote).json<ChainVerdict>("GET", "/v1/audit/verify")).body;
  const { verifyAuditChain } = await import("../../store/auditLog.js");
  return withPlatform(cmd, (p) => verifyAuditChain(p.store.db));
}

/** Checks an export line by line, never holding it whole; a line that is not an entry is invalid_input naming it. */
async function verifyFile(file: string, partial: boolean): Promise<ChainVerdict> {
  const stream = createReadStream(file, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new AimsError(
          err.code === "ENOENT" ? "not_found" : "invalid_input",
          `--file ${file}: ${err.message}`,
        ),
      ),
    );
  });
  await opened;
  let verifier: ChainVerifier | undefined;
  let line = 0;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === "") continue;
      const entry = parseLine(text, file, line);
      // An export that starts at seq 1 is the whole log from its start: its first entry links to the genesis hash.
      verifier ??= new ChainVerifier({ start: entry.seq === 1 ? "genesis" : "anywhere", partial });
      if (!verifier.push(entry)) break;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return (verifier ?? new ChainVerifier()).verdict();
}

function parseLine(text: string, file: string, line: number) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AimsError(
      "invalid_input",
      `${file} line ${line} is not JSON: is it an \`aims audit export\` file?`,
    );
  }
  const parsed = auditEntryViewSchema.safeParse(value);
  if (!parsed.success)
    throw new AimsError(
      "invalid_input",
      `${file} line ${line} is not an audit entry: ${formatIssues(parsed.error)}`,
    );
  return fromAuditView(parsed.data);
}

/** One sentence a person reads: whole (length, head), or where and how it broke. */
export function describeVerdict(verdict: ChainVerdict, file?: string): string {
  const what = file ? `audit export ${file}` : "audit chain";
  if (!verdict.ok)
    return `${what} is BROKEN at entry ${verdict.broken.seq}: ${verdict.broken.message} (${verdict.checked} entr${verdict.checked === 1 ? "y" : "ies"} before it check out)`;
  if (verdict.length === 0) return `${what} is empty`;
  const range = verdict.firstSeq === 1 ? "" : ` from entry ${verdict.firstSeq}`;
  const gaps = verdict.gaps
    ? `; ${verdict.gaps} stretch${verdict.gaps === 1 ? "" : "es"} of entries not in the file went unchecked`
    : "";
  return `${what} is whole: ${verdict.length} entr${verdict.length === 1 ? "y" : "ies"}${range}, head entry ${verdict.headSeq} with hash ${verdict.headHash}${gaps}`;
}
