/*
 * Raw entries → transcript entries, whatever source they came from: each shape (transcript/shapes/) recognises its
 * own raw entries; the API's entry objects are the fallback. The formats only ever see TranscriptEntry.
 */
import { bundle } from '../messages.js';
import type { RawEntry } from '../sources/source.js';
import { apiShape } from './shapes/api.js';
import { dataCloudShape } from './shapes/dataCloud.js';
import type { Shape, TranscriptEntry } from './shapes/shape.js';

export type { TranscriptEntry } from './shapes/shape.js';

const labels = bundle('transcript');
export { obj } from './shapes/shape.js';

/** Every shape, most specific first; the API's entry objects last, as the fallback. */
const SHAPES: readonly Shape[] = [dataCloudShape, apiShape];

export const shapeOf = (raw: RawEntry): Shape => SHAPES.find((shape) => shape.matches(raw)) ?? apiShape;

export const normalizeEntry = (raw: RawEntry): TranscriptEntry => shapeOf(raw).normalize(raw);

/** "EndUser (iamessage)", "Agent (Ann Smith)", "Unknown". */
export function senderLabel(e: Pick<TranscriptEntry, 'senderRole' | 'senderAppType' | 'senderName'>): string {
  const detail = e.senderName ?? e.senderAppType;
  const role = e.senderRole ?? labels.text('sender.unknown');
  return detail ? `${role} (${detail})` : role;
}

/**
 * Normalised entries, in the order given. The order is decided once, by orderEntries (transcript/order.ts), for
 * --json, every format and export alike; sorting again here by the displayed time would mix clocks.
 */
export function toTranscript(entries: RawEntry[]): TranscriptEntry[] {
  return entries.map(normalizeEntry);
}
