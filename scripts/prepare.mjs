#!/usr/bin/env node
/*
 * npm's prepare: `npm run build` after a plain `npm install` in the repo (and for git installs), but not under
 * `npm pack` / `npm publish`. Those run prepack first, which makes lib/ the release bundle (npm run build:release),
 * and then prepare: a development build there would replace the bundle with the tsc output before it is packed.
 */
import { spawnSync } from 'node:child_process';

if (['pack', 'publish'].includes(process.env.npm_command ?? '')) process.exit(0);
const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
const run = spawnSync(npm[0], [...npm[1], 'run', 'build'], { stdio: 'inherit', shell: !process.env.npm_execpath && process.platform === 'win32' });
process.exit(run.status ?? 1);
