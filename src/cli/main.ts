#!/usr/bin/env node
import { quietOnClosedPipes, reportError } from "./output.js";
import { buildProgram } from "./program.js";

quietOnClosedPipes();
const argv = process.argv;
const json = argv.includes("--json");
try {
  await buildProgram(argv).parseAsync(argv);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (typeof code === "string" && code.startsWith("commander.")) {
    // commander already printed its message (usage errors, --help, --version)
    process.exitCode = code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
  } else {
    reportError(err, json);
  }
}
