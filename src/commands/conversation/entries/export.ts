import { Flags } from '@salesforce/sf-plugins-core';
import { ConversationCommand, exitWith } from '../../../cli/command.js';
import { COMMAND_EXIT_CODES, errorCodesHelp } from '../../../cli/errorCodes.js';
import { accessFlags, apiVersionFlag, targetOrgFlag } from '../../../cli/flags.js';
import { exportProgress } from '../../../cli/progress.js';
import { CHANNEL_TYPES } from '../../../input/selection.js';
import { bundle } from '../../../messages.js';
import { sanitizeLine } from '../../../sanitize.js';
import { EXPORT_FORMATS } from '../../../transcript/formats/index.js';
import { runExport, type ExportResult } from '../../../usecases/export.js';

const messages = bundle('conversation.entries.export');
/** The flags and lines of the other conversations export selects: calls and cases. */
const records = bundle('conversation.entries.export.records');
const dataCloud = bundle('dataCloud');

export type ConversationEntriesExportResult = ExportResult;

export default class ConversationEntriesExport extends ConversationCommand<ConversationEntriesExportResult> {
  public static readonly summary = messages.text('summary');
  public static readonly description = messages.text('description');
  public static readonly examples = messages.list('examples');
  public static readonly errorCodes = errorCodesHelp('export', COMMAND_EXIT_CODES.export);

  public static readonly flags = {
    'target-org': targetOrgFlag,
    'api-version': apiVersionFlag,
    'session-id': Flags.string({ char: 's', multiple: true, summary: messages.text('flags.session-id.summary') }),
    'session-file': Flags.string({ summary: messages.text('flags.session-file.summary') }),
    'voice-call-id': Flags.string({ multiple: true, summary: records.text('flags.voice-call-id.summary') }),
    case: Flags.string({ multiple: true, summary: records.text('flags.case.summary') }),
    since: Flags.string({ summary: messages.text('flags.since.summary') }),
    until: Flags.string({ summary: messages.text('flags.until.summary') }),
    // Checked by the use case (any case, `whatsapp` works), so its values are in the summary.
    channel: Flags.string({ multiple: true, summary: messages.text('flags.channel.summary', [CHANNEL_TYPES.join(', ')]) }),
    where: Flags.string({ summary: messages.text('flags.where.summary') }),
    'output-dir': Flags.string({ char: 'd', required: true, summary: messages.text('flags.output-dir.summary') }),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.text('flags.result-format.summary'),
      options: EXPORT_FORMATS,
      default: EXPORT_FORMATS[0],
    })(),
    concurrency: Flags.integer({ min: 1, max: 16, default: 4, summary: messages.text('flags.concurrency.summary') }),
    'rate-limit': Flags.integer({ min: 0, max: 100_000, default: 90, summary: messages.text('flags.rate-limit.summary') }),
    'max-conversations': Flags.integer({ min: 1, max: 1_000_000, default: 200, summary: messages.text('flags.max-conversations.summary') }),
    'dry-run': Flags.boolean({ summary: messages.text('flags.dry-run.summary') }),
    force: Flags.boolean({ summary: messages.text('flags.force.summary') }),
    ...accessFlags,
  };

  protected interruptedMessage = 'interrupted.export';

  public async run(): Promise<ConversationEntriesExportResult> {
    const { flags } = await this.parse(ConversationEntriesExport);
    const progress = this.jsonEnabled()
      ? undefined
      : // --rate-limit paces the per-conversation APIs; Data Cloud's batches are not held to it.
        exportProgress({ stream: process.stderr, line: (text) => this.logToStderr(text), rateLimit: flags.api === 'data-cloud' ? 0 : flags['rate-limit'] });
    const result = await runExport(
      {
        targetOrg: flags['target-org'],
        apiVersion: flags['api-version'],
        sessionIds: flags['session-id'] ?? [],
        sessionFile: flags['session-file'],
        voiceCallIds: flags['voice-call-id'] ?? [],
        cases: flags.case ?? [],
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
      { warn: (message) => this.warn(message), progress: progress?.update }
    ).finally(() => progress?.stop()); // the bar's last state stays on screen; an error goes on a line of its own
    // Some sessions failed or came back incomplete: the others are written, and the run says so in its exit code.
    if (notAllExported(result)) exitWith('Partial');
    if (result.dryRun) {
      const none = messages.text('info.noConversation');
      for (const s of result.sessions) {
        // The identifier and a failure's reason come from the org: shown inert.
        const detail =
          s.conversationIdentifier ?? (s.status === 'failed' ? s.reason ?? '' : s.status === 'would-export' ? records.text('info.entryRecords') : none);
        this.log(messages.text('info.dryRunLine', [sanitizeLine(s.sessionId), sanitizeLine(detail)]));
      }
      const withConversation = result.sessions.filter((s) => s.status === 'would-export').length;
      this.log(messages.text('info.dryRun', [withConversation, result.selected, result.noConversation, result.failed]));
    } else {
      this.log(
        messages.text('info.summary', [
          result.exported, result.skipped, result.noConversation, result.partial, result.failed, result.entries, result.requests, result.retries,
          (result.elapsedMs / 1000).toFixed(1), result.source ?? '', `${result.outputDir}/manifest.jsonl`,
        ])
      );
      if (flags.api === 'data-cloud') {
        const none = dataCloud.text('info.noEntries');
        this.log(dataCloud.text('info.freshness', [result.newestEntryAt ?? none, result.notInDataCloud]));
      }
    }
    return result;
  }
}

/** Some sessions failed, came back incomplete or are not in Data Cloud yet, or a --case matched no case (exit Partial). */
const notAllExported = (result: ExportResult): boolean =>
  !result.dryRun && (result.failed > 0 || result.partial > 0 || result.notInDataCloud > 0 || result.casesNotFound.length > 0);
