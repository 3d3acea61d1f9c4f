import { Flags } from '@salesforce/sf-plugins-core';
import { ConversationCommand, exitWith } from '../../../cli/command.js';
import { COMMAND_EXIT_CODES, errorCodesHelp } from '../../../cli/errorCodes.js';
import { accessFlags, apiVersionFlag, targetOrgFlag } from '../../../cli/flags.js';
import { writeToStdout } from '../../../cli/stdout.js';
import { bundle } from '../../../messages.js';
import { sanitizeLine } from '../../../sanitize.js';
import { GET_FORMATS } from '../../../transcript/formats/index.js';
import { getCaseTranscripts, getTranscript, type CaseOutcome, type GetEvents, type GetInput, type GetOutcome, type GetResult } from '../../../usecases/get.js';

const messages = bundle('conversation.entries.get');
/** The flags, help and lines of the other conversations get reads: calls and cases. */
const records = bundle('conversation.entries.get.records');
/** The ways to name what to get: exactly one. */
const ONE_OF = ['session-id', 'conversation-id', 'voice-call-id', 'case'];

export type ConversationEntriesGetResult = GetResult;

export default class ConversationEntriesGet extends ConversationCommand<ConversationEntriesGetResult> {
  public static readonly summary = messages.text('summary');
  public static readonly description = messages.text('description');
  public static readonly examples = messages.list('examples');
  public static readonly errorCodes = errorCodesHelp('get', COMMAND_EXIT_CODES.get);

  public static readonly flags = {
    'target-org': targetOrgFlag,
    'api-version': apiVersionFlag,
    'session-id': Flags.string({
      char: 's',
      summary: messages.text('flags.session-id.summary'),
      description: messages.text('flags.session-id.description'),
      exactlyOne: ONE_OF,
    }),
    'conversation-id': Flags.string({
      char: 'c',
      summary: messages.text('flags.conversation-id.summary'),
      exactlyOne: ONE_OF,
    }),
    'voice-call-id': Flags.string({
      summary: records.text('flags.voice-call-id.summary'),
      description: records.text('flags.voice-call-id.description'),
      exactlyOne: ONE_OF,
    }),
    case: Flags.string({
      summary: records.text('flags.case.summary'),
      description: records.text('flags.case.description'),
      exactlyOne: ONE_OF,
    }),
    start: Flags.string({ summary: messages.text('flags.start.summary') }),
    end: Flags.string({ summary: messages.text('flags.end.summary') }),
    // eslint-disable-next-line sf-plugin/flag-min-max-default -- no default on purpose: without --limit, every entry
    limit: Flags.integer({ min: 1, max: Number.MAX_SAFE_INTEGER, summary: messages.text('flags.limit.summary') }),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.text('flags.result-format.summary'),
      description: messages.text('flags.result-format.description'),
      options: GET_FORMATS,
      default: GET_FORMATS[0],
    })(),
    utc: Flags.boolean({ summary: messages.text('flags.utc.summary') }),
    'output-file': Flags.string({
      char: 'f',
      summary: messages.text('flags.output-file.summary'),
      description: messages.text('flags.output-file.description'),
    }),
    force: Flags.boolean({ summary: messages.text('flags.force.summary'), dependsOn: ['output-file'] }),
    ...accessFlags,
    redact: Flags.boolean({
      summary: messages.text('flags.redact.summary'),
      description: messages.text('flags.redact.description'),
    }),
  };

  public async run(): Promise<ConversationEntriesGetResult> {
    const { flags } = await this.parse(ConversationEntriesGet);
    const input: GetInput = {
        targetOrg: flags['target-org'],
        sessionId: flags['session-id'],
        conversationId: flags['conversation-id'],
        voiceCallId: flags['voice-call-id'],
        case: flags.case,
        apiVersion: flags['api-version'],
        start: flags.start,
        end: flags.end,
        limit: flags.limit,
        api: flags.api,
        clientId: flags['client-id'],
        format: flags['result-format'],
        utc: flags.utc,
        redact: flags.redact,
        outputFile: flags['output-file'],
        force: flags.force,
    };
    const events: GetEvents = {
      warn: (message) => this.warn(message),
      debug: (message) => this.debug(message),
      phase: (phase) => this.spinner.start(messages.text(`spinner.${phase}`)),
      progress: (entries, pages) => {
        this.spinner.status = messages.text('spinner.progress', [entries, pages]);
      },
    };
    const outcome = flags.case === undefined ? await getTranscript(input, events) : await getCaseTranscripts(input, events);
    this.spinner.stop();
    // Printed or written all the same, with a warning that says why; the exit code (and --json status) says it too.
    if (outcome.partial) exitWith('Partial');
    const { result, file } = outcome;
    const entries = ('headers' in outcome ? outcome.headers : [outcome.header]).reduce((sum, h) => sum + h.entryCount, 0);
    if (file) {
      this.log(messages.text(entries === 1 ? 'info.written.one' : 'info.written', [entries, file]));
    } else if (!this.jsonEnabled()) {
      await writeToStdout(outcome.lines());
      this.logToStderr(summaryOf(outcome, entries));
    }
    return result;
  }
}

/** The line after the transcript, on stderr: what was shown, and where it came from. Org data is shown inert. */
function summaryOf(outcome: GetOutcome | CaseOutcome, entries: number): string {
  const count = entries === 1 ? '.one' : '';
  if ('case' in outcome) {
    const sources = [...new Set(outcome.headers.map((h) => h.source ?? ''))].filter(Boolean).join(', ');
    return records.text(`info.case${count}`, [sanitizeLine(outcome.case.caseNumber ?? outcome.case.caseId), outcome.headers.length, entries, sources || '-']);
  }
  const { header } = outcome;
  const source = header.source ?? '';
  if (header.voiceCallId) return records.text(`info.call${count}`, [header.voiceCallId, entries, source]);
  if (!header.conversationIdentifier) return records.text(`info.session${count}`, [header.sessionId ?? '', entries, source]);
  // The identifier is the org's data: shown inert, like the transcript.
  const conversation = sanitizeLine(header.conversationIdentifier);
  return header.sessionId
    ? messages.text(`info.summaryWithSession${count}`, [conversation, header.sessionId, entries, source])
    : messages.text(`info.summary${count}`, [conversation, entries, source]);
}
