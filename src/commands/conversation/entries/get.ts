import { Messages } from '@salesforce/core';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { getConversationEntries, type ConversationEntriesResult } from '../../../getEntries.js';
import { ExitCode } from '../../../messages.js';
import { writeTranscript } from '../../../transcript.js';

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
  });

  public static readonly flags = {
    // A plain string, resolved only after every other value is checked: Flags.requiredOrg() would load the org
    // (and may call it) while flags are parsed, before an invalid Id could stop the command.
    // eslint-disable-next-line sf-plugin/dash-o -- this is --target-org, only resolved late on purpose
    'target-org': Flags.string({
      char: 'o',
      summary: messages.getMessage('flags.target-org.summary'),
    }),
    'api-version': Flags.orgApiVersion(),
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
    limit: Flags.integer({ summary: messages.getMessage('flags.limit.summary') }),
  };

  public async run(): Promise<ConversationEntriesGetResult> {
    const { flags } = await this.parse(ConversationEntriesGet);
    const { stats, ...result } = await getConversationEntries(
      {
        targetOrg: flags['target-org'],
        sessionId: flags['session-id'],
        conversationId: flags['conversation-id'],
        apiVersion: flags['api-version'],
        start: flags.start,
        end: flags.end,
        limit: flags.limit,
      },
      {
        warn: (message) => this.warn(message),
        phase: (phase) => this.spinner.start(messages.getMessage(phase === 'lookup' ? 'spinner.lookup' : 'spinner.fetch')),
        progress: (entries, pages) => {
          this.spinner.status = messages.getMessage('spinner.progress', [entries, pages]);
        },
      }
    );
    this.spinner.stop();
    this.debug('requests %d, retries %d, token refreshes %d', stats.requests, stats.retries, stats.refreshes);
    if (!this.jsonEnabled()) {
      writeTranscript(result.entries, (line) => this.log(line));
      this.logToStderr(
        result.sessionId
          ? messages.getMessage('info.summaryWithSession', [result.conversationIdentifier, result.sessionId, result.entryCount])
          : messages.getMessage('info.summary', [result.conversationIdentifier, result.entryCount])
      );
    }
    return result;
  }
}
