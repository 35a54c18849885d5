#!/usr/bin/env node
// The `tlab` command. A committed shim (npm links bins before `prepare` compiles lib/, so the bin must exist
// in a fresh clone); the command itself is kernel-ext/cli.ts.
"use strict";
let cli;
try {
  cli = require("../lib/cli.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && /lib[\\/]cli\.js/.test(String(e.message))) {
    console.error("tlab: the project is not built yet: run `npm install` (or `npm run build`) in the transferlab folder");
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
