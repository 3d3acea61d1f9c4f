/*
 * Bench child: build a large conversation, then render it in one format to a file, and print time and peak RSS.
 * `none` only builds and normalises the entries: the floor every format pays.
 * `json` is the --json document as the commands write it off a terminal (JSON.stringify); `json-oclif` is the same
 * document through oclif's colorizeJson, which SfCommand uses by default (no colours either: stdout is a pipe).
 * Usage: tsx scripts/bench/render-large.ts <human|csv|jsonl|markdown|json|json-oclif|none> <entries> <out file>
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { formatOf, type FormatName } from '../../src/transcript/formats/index.js';
import { toTranscript } from '../../src/transcript/normalize.js';
import { writeChunks } from '../../src/files/output.js';

const [format, count, outFile] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const entries = Array.from({ length: count }, (_, i) => ({
  identifier: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  entryType: 'Message',
  messageText: `Message ${i}: I&#39;d like to know where my order is, it was due yesterday &amp; hasn't arrived yet.`,
  entryPayload: { abstractMessage: { messageType: 'StaticContentMessage', staticContent: { formatType: 'Text', text: `Message ${i}` } } },
  sender: i % 2 ? { role: 'Agent', appType: 'agent', subject: '0055g00000AgEnT' } : { role: 'EndUser', appType: 'iamessage', subject: 'v2/iamessage/UNAUTH/NA/uid:x' },
  clientTimestamp: 1_736_508_000_000 + i * 1000 - 40,
  serverReceivedTimestamp: 1_736_508_000_000 + i * 1000,
  relatedRecords: ['0Mw5g00000AbCdE'],
}));

// Loaded before the clock starts, and only for the format that uses it, so the other rows' RSS is as before.
const oclif = format === 'json-oclif' ? await import('@oclif/core') : undefined;
const started = performance.now();
const header = { sessionId: '0Mw5g00000AbCdECAV', conversationIdentifier: 'bench', orgId: '00D5g000004AbCdEAK', entryCount: count, complete: true, incompleteReason: null };
if (format === 'json' || format === 'json-oclif') {
  const doc = { status: 0, result: { sessionId: header.sessionId, conversationIdentifier: header.conversationIdentifier, entryCount: count, entries }, warnings: [] };
  writeFileSync(outFile, `${oclif ? oclif.ux.colorizeJson(doc, { pretty: true }) : JSON.stringify(doc, null, 2)}\n`);
} else if (format !== 'none') {
  const transcript = toTranscript(entries);
  const out = createWriteStream(outFile);
  await writeChunks(formatOf(format as FormatName).render({ entries: transcript, utc: true, header }), out);
  out.end();
  await once(out, 'finish');
} else {
  toTranscript(entries);
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ format, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
