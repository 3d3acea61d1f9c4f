/*
 * The output formats: a registry of strategies, each with its file extension, and which command offers which. get
 * prints or writes one; export writes one file per conversation in one. Nothing else lists formats.
 */
import { csv } from './csv.js';
import type { Format } from './format.js';
import { htmlFormat as html } from './html.js';
import { human } from './human.js';
import { json } from './json.js';
import { jsonl } from './jsonl.js';
import { markdown } from './markdown.js';

import { renderEach, type Rendering } from './format.js';

export type { Format, Rendering, TranscriptHeader } from './format.js';
export {
  caseConversationDocument,
  conversationDocument,
  type CaseConversationDocument,
  type CaseDocument,
  type ConversationDocument,
} from './json.js';

const FORMATS = { human, csv, jsonl, markdown, html, json } satisfies Record<string, Format>;
export type FormatName = keyof typeof FORMATS;

/** get's --result-format, the first the default (its --json is the json document). */
export const GET_FORMATS = ['human', 'csv', 'jsonl', 'markdown', 'html'] as const satisfies readonly FormatName[];
/** export's --result-format, the first the default. */
export const EXPORT_FORMATS = ['json', 'jsonl', 'csv', 'markdown', 'html'] as const satisfies readonly FormatName[];

export const formatOf = (name: FormatName): Format => FORMATS[name];

/** Several conversations in one output (get --case), each under its own header, in the format's own way. */
export function renderConversations(name: FormatName, renderings: readonly Rendering[]): Iterable<string> {
  const format = FORMATS[name];
  return format.renderMany ? format.renderMany(renderings) : renderEach(format, renderings, '');
}
