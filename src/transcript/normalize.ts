/*
 * Raw entries → transcript entries, whatever source they came from: each shape (transcript/shapes/) recognises its
 * own raw entries; the API's entry objects are the fallback. The formats only ever see TranscriptEntry.
 */
import type { RawEntry } from '../sources/source.js';
import { apiShape } from './shapes/api.js';
import { conversationEntryShape } from './shapes/conversationEntry.js';
import { dataCloudShape } from './shapes/dataCloud.js';
import type { Shape, TranscriptEntry } from './shapes/shape.js';

export type { TranscriptEntry } from './shapes/shape.js';

export { obj } from './shapes/shape.js';
export { senderLabel } from './labels.js';

/** Every shape, most specific first; the API's entry objects last, as the fallback. */
const SHAPES: readonly Shape[] = [dataCloudShape, conversationEntryShape, apiShape];

export const shapeOf = (raw: RawEntry): Shape => SHAPES.find((shape) => shape.matches(raw)) ?? apiShape;

export const normalizeEntry = (raw: RawEntry): TranscriptEntry => shapeOf(raw).normalize(raw);

/**
 * Normalised entries, in the order given. The order is decided once, by orderEntries (transcript/order.ts), for
 * --json, every format and export alike; sorting again here by the displayed time would mix clocks.
 */
export function toTranscript(entries: RawEntry[]): TranscriptEntry[] {
  return entries.map(normalizeEntry);
}
