#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` through the prepare script); in a checkout without
// dist/ it falls back to the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const dist = new URL('../dist/cli/main.js', import.meta.url);
let mod;
if (existsSync(fileURLToPath(dist))) mod = await import(dist.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../cli/main.ts', import.meta.url).href);
}
process.exitCode = await mod.main(process.argv);
