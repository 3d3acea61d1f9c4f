/*
 * An export's input for tests that call the use case (runExport) directly: every field a test doesn't set at a
 * plain value (one JSON file per session, 2 at a time, no rate limit, the product's cap of 200 conversations).
 */
import type { ExportInput } from '../../src/usecases/export.js';

export function exportInput(targetOrg: string, outputDir: string, set: Partial<ExportInput> = {}): ExportInput {
  return {
    targetOrg,
    sessionIds: [],
    channels: [],
    outputDir,
    format: 'json',
    concurrency: 2,
    rateLimit: 0,
    maxConversations: 200,
    dryRun: false,
    force: false,
    ...set,
  };
}
