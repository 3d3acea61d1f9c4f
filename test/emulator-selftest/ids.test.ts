/*
 * The emulator's own Id checksum (test/emulator/ids.ts) against the published vectors (api-notes §4), so the seed's
 * Ids are real 18-character Ids without the emulator borrowing the plugin's code.
 */
import { expect } from 'chai';
import { to18 } from '../emulator/ids.js';

describe('emulator ids', () => {
  it('matches the published 15 → 18 vectors', () => {
    const vectors: Array<[string, string]> = [
      ['a0RE000000IJmcN', 'MAT'],
      ['001M000000qfPyS', 'IAU'],
      ['AbCdEfGhIjKlMnO', 'VKV'],
      ['aBcDEfgHIJKLMNO', '025'],
      ['a0D30000001n7Pi', 'EAI'],
    ];
    for (const [id15, suffix] of vectors) expect(to18(id15)).to.equal(id15 + suffix);
  });
});
