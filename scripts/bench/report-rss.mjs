// Bench helper, preloaded with --import: writes the process's peak RSS (KB) to REPORT_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) process.on('exit', () => writeFileSync(process.env.REPORT_RSS_FILE, String(process.resourceUsage().maxRSS)));
