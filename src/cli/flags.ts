/*
 * The flags every command shares, defined once: the org, the API version, and how the entries are reached.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { bundle } from '../messages.js';
import { API_CHOICES } from '../sources/source.js';

const messages = bundle('cli');

/**
 * --target-org as a plain string, resolved only after every other value is checked (by the use case, through
 *
 * @salesforce/core): Flags.requiredOrg() would load the org, and may call it, while flags are parsed, before an invalid
 * value could stop the command with nothing requested. A missing value means sf's target-org config.
 */
export const targetOrgFlag = Flags.string({
  // eslint-disable-next-line sf-plugin/dash-o -- this is --target-org, resolved late on purpose (see above)
  char: 'o',
  summary: messages.text('flags.target-org.summary'),
});

// noCacheDefault: the default is the runner's sf config, not the builder's (reading it made the build log to ~/.sf).
// eslint-disable-next-line sf-plugin/flag-summary -- sf-plugins-core's flag, with its own description
export const apiVersionFlag = Flags.orgApiVersion({ noCacheDefault: true });

/** How the entries are reached: get, export and doctor offer and describe them the same way. */
export const accessFlags = {
  api: Flags.option({
    summary: messages.text('flags.api.summary'),
    description: messages.text('flags.api.description'),
    options: API_CHOICES,
    default: 'auto',
  })(),
  'client-id': Flags.string({
    summary: messages.text('flags.client-id.summary'),
    description: messages.text('flags.client-id.description'),
  }),
};
