/*
 * Salesforce record Ids for the emulator's data, written independently of the plugin's src/input/ids.ts (the emulator
 * imports nothing from src/, so a bug there is caught, not mirrored). The 3-character suffix of an 18-character Id
 * encodes which of the first 15 characters are upper case, five at a time (api-notes §4; checked against the
 * published vectors in test/emulator-selftest).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The case-safe suffix of a 15-character Id. */
export function checksumSuffix(id15: string): string {
  return [0, 5, 10]
    .map((start) => {
      const chunk = id15.slice(start, start + 5);
      const flags = [...chunk].reduce((sum, ch, i) => sum + (/[A-Z]/.test(ch) ? 2 ** i : 0), 0);
      return ALPHABET.charAt(flags);
    })
    .join('');
}

/** The 18-character form of a 15-character Id. */
export const to18 = (id15: string): string => id15 + checksumSuffix(id15);
