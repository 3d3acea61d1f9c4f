import { Messages } from '@salesforce/core';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { SingleBar } from 'cli-progress';
import { accessFlags } from '../../../cli/flags.js';
import { asInputError, ExitCode } from '../../../messages.js';
import { sanitizeLine } from '../../../sanitize.js';
import { writeJson } from '../../../cli/jsonOutput.js';
import { EXPORT_FORMATS, PARTIAL_FAILURE, TOO_MANY, runExport, type ExportProgress, type ExportResult } from '../../../usecases/export.js';
import { CHANNEL_TYPES } from '../../../org/selection.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-conversation', 'conversation.entries.export');

export type ConversationEntriesExportResult = ExportResult;

/** Off a terminal, a progress line at most this often. */
const PROGRESS_EVERY_MS = 5000;

export default class ConversationEntriesExport extends SfCommand<ConversationEntriesExportResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('ERROR CODES', {
    'Succeeded (0)': messages.getMessage('errorCodes.success'),
    'Before fetching (2-6)': messages.getMessage('errorCodes.before'),
    [`PartialFailure (${PARTIAL_FAILURE})`]: messages.getMessage('errorCodes.partial'),
    [`TooManyConversations (${TOO_MANY})`]: messages.getMessage('errorCodes.tooMany'),
    [`Unreachable (${ExitCode.Unreachable})`]: messages.getMessage('errorCodes.unreachable'),
  });

  public static readonly flags = {
    // eslint-disable-next-line sf-plugin/dash-o -- this is --target-org, resolved after every value is checked
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    // noCacheDefault: the default is the runner's sf config, not the builder's (reading it made the build log to ~/.sf).
    // eslint-disable-next-line sf-plugin/flag-summary -- sf-plugins-core's flag, with its own description
    'api-version': Flags.orgApiVersion({ noCacheDefault: true }),
    'session-id': Flags.string({ char: 's', multiple: true, summary: messages.getMessage('flags.session-id.summary') }),
    'session-file': Flags.string({ summary: messages.getMessage('flags.session-file.summary') }),
    since: Flags.string({ summary: messages.getMessage('flags.since.summary') }),
    until: Flags.string({ summary: messages.getMessage('flags.until.summary') }),
    // Not `options`: oclif would match case-sensitively, and `whatsapp` should work. The values are in the summary.
    channel: Flags.string({ multiple: true, summary: messages.getMessage('flags.channel.summary', [CHANNEL_TYPES.join(', ')]) }),
    where: Flags.string({ summary: messages.getMessage('flags.where.summary') }),
    'output-dir': Flags.string({ char: 'd', required: true, summary: messages.getMessage('flags.output-dir.summary') }),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.getMessage('flags.result-format.summary'),
      options: EXPORT_FORMATS,
      default: 'json',
    })(),
    concurrency: Flags.integer({ min: 1, max: 16, default: 4, summary: messages.getMessage('flags.concurrency.summary') }),
    'rate-limit': Flags.integer({ min: 0, max: 100_000, default: 90, summary: messages.getMessage('flags.rate-limit.summary') }),
    'max-conversations': Flags.integer({ min: 1, max: 1_000_000, default: 200, summary: messages.getMessage('flags.max-conversations.summary') }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    force: Flags.boolean({ summary: messages.getMessage('flags.force.summary') }),
    ...accessFlags,
  };

  /** Plain JSON off a terminal: see jsonOutput.ts. */
  public logJson(json: unknown): void {
    writeJson(json, (j) => super.logJson(j));
  }

  public async run(): Promise<ConversationEntriesExportResult> {
    const { flags } = await this.parse(ConversationEntriesExport).catch(asInputError);
    const onTerminal = Boolean(process.stderr.isTTY) && !this.jsonEnabled();
    let lastLine = 0;
    // On a terminal: cli-progress, the bar sf-plugins-core's Progress draws, used directly so the first frame
    // already has the rate and failures (Progress.start draws once before it applies a payload).
    let bar: SingleBar | undefined;
    const progress = (p: ExportProgress): void => {
      if (this.jsonEnabled()) return;
      const now = Date.now();
      const perMinute = Math.round((p.done / Math.max(1, now - p.startedAt)) * 60_000);
      if (onTerminal) {
        const payload = { failed: p.failed, rate: perMinute };
        if (bar) bar.update(p.done, payload);
        else {
          // A 20-character bar keeps the line under 80 columns up to 10,000/10,000 sessions.
          bar = new SingleBar({ format: messages.getMessage('progress.format'), barsize: 20, barCompleteChar: '\u2588', barIncompleteChar: '\u2591', stream: process.stderr });
          bar.start(p.total, p.done, payload);
        }
        return;
      }
      if (now - lastLine < PROGRESS_EVERY_MS && p.done < p.total) return;
      lastLine = now;
      const eta = perMinute > 0 ? Math.round(((p.total - p.done) / perMinute) * 60) : 0;
      this.logToStderr(messages.getMessage('info.progress', [p.done, p.total, p.failed, perMinute, Math.max(0, eta)]));
    };
    const result = await runExport(
      {
        targetOrg: flags['target-org'],
        apiVersion: flags['api-version'],
        sessionIds: flags['session-id'] ?? [],
        sessionFile: flags['session-file'],
        since: flags.since,
        until: flags.until,
        channels: flags.channel ?? [],
        where: flags.where,
        outputDir: flags['output-dir'],
        format: flags['result-format'],
        concurrency: flags.concurrency,
        rateLimit: flags['rate-limit'],
        maxConversations: flags['max-conversations'],
        dryRun: flags['dry-run'],
        force: flags.force,
        api: flags.api,
        clientId: flags['client-id'],
        // The per-session statuses are only returned under --json; without it the run doesn't keep them.
        statuses: this.jsonEnabled(),
      },
      { warn: (message) => this.warn(message), progress }
    ).finally(() => bar?.stop()); // the bar's last state stays on screen; an error goes on a line of its own
    // Some sessions failed or came back incomplete: the others are written, and the run says so in its exit code.
    if (!result.dryRun && (result.failed > 0 || result.partial > 0)) process.exitCode = PARTIAL_FAILURE;
    if (result.dryRun) {
      const none = messages.getMessage('info.noConversation');
      for (const s of result.sessions) {
        // The identifier and a failure's reason come from the org: shown inert.
        const detail = s.conversationIdentifier ?? (s.status === 'failed' ? s.reason ?? '' : none);
        this.log(messages.getMessage('info.dryRunLine', [s.sessionId, sanitizeLine(detail)]));
      }
      const withConversation = result.sessions.filter((s) => s.status === 'would-export').length;
      this.log(messages.getMessage('info.dryRun', [withConversation, result.selected, result.noConversation, result.failed]));
    } else {
      this.log(
        messages.getMessage('info.summary', [
          result.exported, result.skipped, result.noConversation, result.partial, result.failed, result.entries, result.requests, result.retries,
          (result.elapsedMs / 1000).toFixed(1), `${result.outputDir}/manifest.jsonl`,
        ])
      );
    }
    return result;
  }
}
