/*
 * Every MessagingSession Id the README and the help show passes the plugin's own check: a user who copies an example
 * gets a transcript, not InvalidSessionIdError.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { checkRecordId } from '../../src/input/ids.js';

const ROOT = new URL('../../', import.meta.url);
const docs = ['README.md', ...readdirSync(new URL('messages/', ROOT)).map((f) => `messages/${f}`)];

describe('documentation', () => {
  it('every 0Mw… Id in the README and the messages is a valid MessagingSession Id', () => {
    let seen = 0;
    for (const doc of docs) {
      const text = readFileSync(new URL(doc, ROOT), 'utf8');
      for (const [id] of text.matchAll(/\b0Mw[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?\b/g)) {
        seen++;
        expect(checkRecordId(id, '0Mw').ok, `${doc}: ${id}`).to.equal(true);
      }
    }
    expect(seen).to.be.above(3);
  });
});
