/*
 * Bench child: build a large conversation, then render it in one format to a file, and print time and peak RSS.
 * `none` only builds and normalises the entries: the floor every format pays.
 * Usage: tsx scripts/bench/render-large.ts <human|csv|jsonl|markdown|none> <entries> <out file>
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { render, type ResultFormat } from '../../src/transcript/formats.js';
import { toTranscript } from '../../src/transcript/normalize.js';
import { writeChunks } from '../../src/transcript/output.js';

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

const started = performance.now();
const transcript = toTranscript(entries);
if (format !== 'none') {
  const out = createWriteStream(outFile);
  const header = { sessionId: '0Mw5g00000AbCdECAV', conversationIdentifier: 'bench', orgId: '00D5g000004AbCdEAK', entryCount: count };
  await writeChunks(render(transcript, { format: format as ResultFormat, utc: true, header }), out);
  out.end();
  await once(out, 'finish');
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ format, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
