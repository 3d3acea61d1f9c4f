/*
 * `jsonl`: one JSON object per line, the normalised fields and the raw entry under `raw`, exactly as it came.
 */
import { iso, type Format } from './format.js';

export const jsonl: Format = {
  extension: 'jsonl',
  *render({ entries }) {
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
  },
};
