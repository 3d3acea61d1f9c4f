/*
 * Standard output: the transcript in chunks (a reader that goes away ends it quietly; a failed write is named), and
 * --json as plain JSON when stdout is not a terminal.
 *
 * SfCommand prints --json through oclif's colorizeJson, which splits the whole pretty-printed document into one
 * object per token and joins them again, even when there are no colours to add: for a 10,000-entry transcript about
 * 0.6 s and 60 MB, against 45 ms for JSON.stringify (measured side by side). Scripts read --json from a pipe or a
 * file, where there are no colours anyway; the bytes are the same (oclif's stringify is JSON.stringify with a guard
 * for cycles, which results here never have). On a terminal the output stays coloured.
 */
import { stdoutWriteFailed, writeChunks } from '../files/output.js';

/** Writes `json` as SfCommand would, without the colouring pass off a terminal; `coloured` is SfCommand's logJson. */
export function writeJson(json: unknown, coloured: (json: unknown) => void): void {
  if (process.stdout.isTTY) coloured(json);
  else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

/**
 * Writes `chunks` to standard output. oclif rethrows every stdout error but EPIPE from its own 'error' listener, so a
 * full disk behind `> file` ended the process with an uncaught ENOSPC and a stack; while the transcript is written, its
 * errors are handled here: a reader that went away (EPIPE, `| head`) ends the output quietly, as oclif does, and a
 * write failure is a WriteFailed error naming standard output.
 */
export async function writeToStdout(chunks: Iterable<string>, out: NodeJS.WriteStream = process.stdout): Promise<void> {
  const others = out.listeners('error') as Array<(error: Error) => void>;
  let failure: unknown;
  const onError = (error: Error): void => {
    failure ??= error;
  };
  out.removeAllListeners('error');
  out.on('error', onError);
  try {
    await writeChunks(chunks, out);
  } catch (error) {
    failure ??= error;
  } finally {
    out.off('error', onError);
    for (const listener of others) out.on('error', listener);
  }
  if (!failure || (failure as NodeJS.ErrnoException).code === 'EPIPE') return;
  throw stdoutWriteFailed(failure) ?? failure;
}
