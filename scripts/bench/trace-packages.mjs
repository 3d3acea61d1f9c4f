// Bench helper, preloaded with --import: records which npm packages a process loads, written at exit to the file
// named by TRACE_PACKAGES_FILE. Uses module.registerHooks (Node >= 22.15), so it sees ESM and CommonJS alike.
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const packages = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(result.url ?? '');
    if (match) packages.add(match[1]);
    return result;
  },
});
// The preload also runs in worker threads (pino's log transport): only the main thread reports.
if (isMainThread) process.on('exit', () => writeFileSync(process.env.TRACE_PACKAGES_FILE, [...packages].sort().join('\n')));
