/*
 * Export's progress, for people: on a terminal, a bar under 80 columns (cli-progress, the bar sf-plugins-core's
 * Progress draws, used directly so the first frame already has the rate and failures); off a terminal, one line at
 * the start and then at most every 5 seconds; under --json, nothing. The time left counts the rate limit: a run at
 * 5 requests a minute can't go faster than that, however fast the first few went.
 */
import { SingleBar } from 'cli-progress';
import { bundle } from '../messages.js';
import type { ExportProgress } from '../usecases/export.js';

const messages = bundle('conversation.entries.export');

/** Off a terminal, a progress line at most this often. */
const EVERY_MS = 5000;

export type ProgressOptions = {
  /** Where it goes (stderr) and whether that is a terminal. */
  stream: NodeJS.WriteStream;
  /** Writes one line off a terminal. */
  line: (text: string) => void;
  /** Entries requests per minute at most (--rate-limit); 0 for none. */
  rateLimit: number;
};

/** Seconds left: at the rate so far, but never faster than the rate limit allows (one request a session at least). */
export function secondsLeft(p: ExportProgress, now: number, rateLimit: number): number {
  const left = p.total - p.done;
  if (left <= 0) return 0;
  const perMs = p.done / Math.max(1, now - p.startedAt);
  const byRate = perMs > 0 ? left / perMs / 1000 : Infinity;
  const byLimit = rateLimit > 0 ? (left / rateLimit) * 60 : 0;
  const seconds = Math.max(byRate === Infinity ? byLimit : byRate, byLimit);
  return Number.isFinite(seconds) ? Math.round(seconds) : 0;
}

/** `45 s`, `3 min 20 s`, `2 h 05 min`. */
export function duration(seconds: number): string {
  if (seconds < 60) return messages.text('duration.seconds', [seconds]);
  if (seconds < 3600) return messages.text('duration.minutes', [Math.floor(seconds / 60), String(seconds % 60).padStart(2, '0')]);
  return messages.text('duration.hours', [Math.floor(seconds / 3600), String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')]);
}

/** A progress callback for runExport, and `stop` for when it ends (the bar's last state stays on screen). */
export function exportProgress({ stream, line, rateLimit }: ProgressOptions): { update: (p: ExportProgress) => void; stop: () => void } {
  let bar: SingleBar | undefined;
  let lastLine = 0;
  const update = (p: ExportProgress): void => {
    const now = Date.now();
    const perMinute = Math.round((p.done / Math.max(1, now - p.startedAt)) * 60_000);
    const eta = duration(secondsLeft(p, now, rateLimit));
    if (stream.isTTY) {
      const payload = { failed: p.failed, rate: perMinute, left: eta };
      if (bar) bar.update(p.done, payload);
      else {
        // A 20-character bar keeps the line under 80 columns up to 10,000/10,000 sessions.
        bar = new SingleBar({ format: messages.text('progress.format'), barsize: 20, barCompleteChar: '\u2588', barIncompleteChar: '\u2591', stream });
        bar.start(p.total, p.done, payload);
      }
      return;
    }
    // The first line at once (a slow, rate-limited run says so from the start), then every few seconds, and the last.
    if (lastLine && now - lastLine < EVERY_MS && p.done < p.total) return;
    lastLine = now;
    line(messages.text(p.total === 1 ? 'info.progress.one' : 'info.progress', [p.done, p.total, p.failed, perMinute, eta]));
  };
  return { update, stop: () => bar?.stop() };
}
