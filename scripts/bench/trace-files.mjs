// Bench helper, preloaded with --import (NODE_OPTIONS): records every module file a process loads (ESM and CommonJS
// alike, through module.registerHooks, Node >= 22.15), written at exit to TRACE_FILES_FILE as one path a line. Only
// the main thread reports (the preload also runs in pino's log worker thread). Counts modules, not other file reads.
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const files = new Set();
registerHooks({
  load(url, context, next) {
    if (url.startsWith('file:')) files.add(fileURLToPath(url));
    return next(url, context);
  },
});
if (isMainThread && process.env.TRACE_FILES_FILE) process.on('exit', () => writeFileSync(process.env.TRACE_FILES_FILE, [...files].join('\n')));
