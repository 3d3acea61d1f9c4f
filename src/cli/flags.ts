/*
 * The flags that choose how the entries are reached (src/sources/access.ts), shared by get and export so both
 * commands offer and describe them the same way.
 */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { ENTRIES_APIS } from '../sources/access.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-conversation', 'entries.access');

export const accessFlags = {
  api: Flags.option({
    summary: messages.getMessage('flags.api.summary'),
    description: messages.getMessage('flags.api.description'),
    options: ENTRIES_APIS,
    default: 'conversation-data',
  })(),
  'client-id': Flags.string({
    summary: messages.getMessage('flags.client-id.summary'),
    description: messages.getMessage('flags.client-id.description'),
  }),
};
