/*
 * How the commands write --json: plain JSON when stdout is not a terminal.
 * SfCommand prints --json through oclif's colorizeJson, which splits the whole pretty-printed document into one
 * object per token and joins them again, even when there are no colours to add: for a 10,000-entry transcript about
 * 0.6 s and 60 MB, against 45 ms for JSON.stringify (measured side by side). Scripts read --json from a pipe or a
 * file, where there are no colours anyway; the bytes are the same (oclif's stringify is JSON.stringify with a guard
 * for cycles, which results here never have). On a terminal the output stays coloured.
 */

/** Writes `json` as SfCommand would, without the colouring pass off a terminal; `coloured` is SfCommand's logJson. */
export function writeJson(json: unknown, coloured: (json: unknown) => void): void {
  if (process.stdout.isTTY) coloured(json);
  else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}
