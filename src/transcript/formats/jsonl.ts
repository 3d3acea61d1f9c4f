/*
 * `jsonl`: one JSON object per line, the normalised fields and the raw entry under `raw`, exactly as it came. Several
 * conversations (get --case): each one's entries after a line that says whose they are, {"conversation": {…}}.
 */
import { iso, type Format, type Rendering } from './format.js';
import { conversationFields } from './json.js';

function* entryLines({ entries }: Rendering): Generator<string> {
  for (const e of entries) {
    yield `${JSON.stringify({
      time: e.time === undefined ? null : iso(e.time),
      senderRole: e.senderRole ?? null,
      senderAppType: e.senderAppType ?? null,
      senderSubject: e.senderSubject ?? null,
      senderName: e.senderName ?? null,
      entryType: e.entryType ?? null,
      text: e.text,
      identifier: e.identifier ?? null,
      raw: e.raw,
    })}\n`;
  }
}

export const jsonl: Format = {
  extension: 'jsonl',
  render: entryLines,
  *renderMany(renderings) {
    for (const rendering of renderings) {
      const h = rendering.header;
      yield `${JSON.stringify({
        conversation: { ...conversationFields(h, h.entryCount), note: h.note ?? null },
      })}\n`;
      yield* entryLines(rendering);
    }
  },
};
