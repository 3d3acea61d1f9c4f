/*
 * The package as npm packs it: the name the messages are registered under is package.json's (a rename would make
 * every message fail to load), and `files` ships what sf needs to load the commands and their help.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { PACKAGE } from '../../src/messages.js';

const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; files: string[]; publishConfig?: { access?: string } };

describe('package', () => {
  it('is scoped, public, and its messages are registered under its own name', () => {
    expect(pjson.name).to.match(/^@[a-z0-9-]+\/plugin-conversation$/);
    expect(PACKAGE).to.equal(pjson.name);
    expect(pjson.publishConfig?.access).to.equal('public');
  });

  it('ships the compiled code, the manifest, the messages and the JSON schemas', () => {
    for (const entry of ['/lib', '/messages', '/oclif.manifest.json', '/schemas', '/bin']) expect(pjson.files).to.include(entry);
  });
});
