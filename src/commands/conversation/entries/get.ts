import { Messages } from '@salesforce/core';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { accessFlags } from '../../../cli/flags.js';
import { writeJson } from '../../../cli/jsonOutput.js';
import type { ConversationEntriesResult } from '../../../usecases/get.js';
import { getTranscript } from '../../../usecases/getTranscript.js';
import { asInputError, ExitCode } from '../../../messages.js';
import { sanitizeLine } from '../../../sanitize.js';
import { RESULT_FORMATS } from '../../../transcript/formats/index.js';
import { writeToStdout } from '../../../files/output.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-conversation', 'conversation.entries.get');

export type ConversationEntriesGetResult = ConversationEntriesResult;

export default class ConversationEntriesGet extends SfCommand<ConversationEntriesGetResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('ERROR CODES', {
    'Succeeded (0)': messages.getMessage('errorCodes.success'),
    [`InvalidInput (${ExitCode.InvalidInput})`]: messages.getMessage('errorCodes.invalidInput'),
    [`Auth (${ExitCode.Auth})`]: messages.getMessage('errorCodes.auth'),
    [`NotFound (${ExitCode.NotFound})`]: messages.getMessage('errorCodes.notFound'),
    [`NotAvailable (${ExitCode.NotAvailable})`]: messages.getMessage('errorCodes.notAvailable'),
    [`ApiFailed (${ExitCode.ApiFailed})`]: messages.getMessage('errorCodes.apiFailed'),
    [`Partial (${ExitCode.Partial})`]: messages.getMessage('errorCodes.partial'),
    [`Unreachable (${ExitCode.Unreachable})`]: messages.getMessage('errorCodes.unreachable'),
    [`WriteFailed (${ExitCode.WriteFailed})`]: messages.getMessage('errorCodes.writeFailed'),
  });

  public static readonly flags = {
    // A plain string, resolved only after every other value is checked: Flags.requiredOrg() would load the org
    // (and may call it) while flags are parsed, before an invalid Id could stop the command.
    'target-org': Flags.string({
      // eslint-disable-next-line sf-plugin/dash-o -- this is --target-org, only resolved late on purpose
      char: 'o',
      summary: messages.getMessage('flags.target-org.summary'),
    }),
    // noCacheDefault: the default is the runner's sf config, not the builder's (reading it made the build log to ~/.sf).
    // eslint-disable-next-line sf-plugin/flag-summary -- sf-plugins-core's flag, with its own description
    'api-version': Flags.orgApiVersion({ noCacheDefault: true }),
    'session-id': Flags.string({
      char: 's',
      summary: messages.getMessage('flags.session-id.summary'),
      description: messages.getMessage('flags.session-id.description'),
      exactlyOne: ['session-id', 'conversation-id'],
    }),
    'conversation-id': Flags.string({
      char: 'c',
      summary: messages.getMessage('flags.conversation-id.summary'),
      exactlyOne: ['session-id', 'conversation-id'],
    }),
    start: Flags.string({ summary: messages.getMessage('flags.start.summary') }),
    end: Flags.string({ summary: messages.getMessage('flags.end.summary') }),
    // eslint-disable-next-line sf-plugin/flag-min-max-default -- no default on purpose: without --limit, every entry
    limit: Flags.integer({ min: 1, max: Number.MAX_SAFE_INTEGER, summary: messages.getMessage('flags.limit.summary') }),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.getMessage('flags.result-format.summary'),
      description: messages.getMessage('flags.result-format.description'),
      options: RESULT_FORMATS,
      default: 'human',
    })(),
    utc: Flags.boolean({ summary: messages.getMessage('flags.utc.summary') }),
    'output-file': Flags.string({
      char: 'f',
      summary: messages.getMessage('flags.output-file.summary'),
      description: messages.getMessage('flags.output-file.description'),
    }),
    force: Flags.boolean({ summary: messages.getMessage('flags.force.summary'), dependsOn: ['output-file'] }),
    ...accessFlags,
    redact: Flags.boolean({
      summary: messages.getMessage('flags.redact.summary'),
      description: messages.getMessage('flags.redact.description'),
    }),
  };

  /** Plain JSON off a terminal: see jsonOutput.ts. */
  public logJson(json: unknown): void {
    writeJson(json, (j) => super.logJson(j));
  }

  public async run(): Promise<ConversationEntriesGetResult> {
    const { flags } = await this.parse(ConversationEntriesGet).catch(asInputError);
    const transcript = await getTranscript(
      {
        targetOrg: flags['target-org'],
        sessionId: flags['session-id'],
        conversationId: flags['conversation-id'],
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
      },
      {
        warn: (message) => this.warn(message),
        debug: (message) => this.debug(message),
        phase: (phase) => this.spinner.start(messages.getMessage(phase === 'lookup' ? 'spinner.lookup' : 'spinner.fetch')),
        progress: (entries, pages) => {
          this.spinner.status = messages.getMessage('spinner.progress', [entries, pages]);
        },
      }
    );
    this.spinner.stop();
    const { result, file } = transcript;
    // Printed or written all the same, with a warning that says why; the exit code (and --json status) says it too.
    if (!result.complete) process.exitCode = ExitCode.Partial;
    if (file) {
      this.log(messages.getMessage('info.written', [result.entryCount, file]));
    } else if (!this.jsonEnabled()) {
      await writeToStdout(transcript.lines());
      // The identifier is the org's data: shown inert, like the transcript.
      const conversation = sanitizeLine(result.conversationIdentifier);
      this.logToStderr(
        result.sessionId
          ? messages.getMessage('info.summaryWithSession', [conversation, result.sessionId, result.entryCount])
          : messages.getMessage('info.summary', [conversation, result.entryCount])
      );
    }
    return result;
  }
}
