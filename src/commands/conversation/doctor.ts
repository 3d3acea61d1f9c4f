import { Messages } from '@salesforce/core';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { writeJson } from '../../cli/jsonOutput.js';
import { runDoctor, type DoctorResult } from '../../usecases/doctor.js';
import { asInputError, ExitCode } from '../../messages.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-conversation', 'conversation.doctor');

export type ConversationDoctorResult = DoctorResult;

/** Exit code when at least one check failed. */
const CHECK_FAILED = 1;

export default class ConversationDoctor extends SfCommand<ConversationDoctorResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('ERROR CODES', {
    'Succeeded (0)': messages.getMessage('errorCodes.success'),
    [`CheckFailed (${CHECK_FAILED})`]: messages.getMessage('errorCodes.failed'),
    [`InvalidInput (${ExitCode.InvalidInput})`]: messages.getMessage('errorCodes.invalidInput'),
  });

  public static readonly flags = {
    // eslint-disable-next-line sf-plugin/dash-o -- this is --target-org: a failing org is a check result, not a parse error
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    // noCacheDefault: the default is the runner's sf config, not the builder's (reading it made the build log to ~/.sf).
    // eslint-disable-next-line sf-plugin/flag-summary -- sf-plugins-core's flag, with its own description
    'api-version': Flags.orgApiVersion({ noCacheDefault: true }),
    'session-id': Flags.string({ char: 's', summary: messages.getMessage('flags.session-id.summary') }),
    'client-id': Flags.string({ summary: messages.getMessage('flags.client-id.summary') }),
  };

  /** Plain JSON off a terminal: see jsonOutput.ts. */
  public logJson(json: unknown): void {
    writeJson(json, (j) => super.logJson(j));
  }

  public async run(): Promise<ConversationDoctorResult> {
    const { flags } = await this.parse(ConversationDoctor).catch(asInputError);
    this.spinner.start(messages.getMessage('spinner'));
    const result = await runDoctor(
      {
        targetOrg: flags['target-org'],
        sessionId: flags['session-id'],
        apiVersion: flags['api-version'],
        clientId: flags['client-id'],
      },
      (message) => this.warn(message)
    );
    this.spinner.stop();
    const width = Math.max(...result.checks.map((c) => c.name.length));
    for (const c of result.checks) {
      this.log(`${messages.getMessage(`symbol.${c.status}`)} ${c.name.padEnd(width)}  ${c.detail}`);
      if (c.action) this.log(`  ${' '.repeat(width)}  ${messages.getMessage('fix', [c.action])}`);
    }
    if (result.checks.some((c) => c.status === 'fail')) process.exitCode = CHECK_FAILED;
    return result;
  }
}
