import { Flags } from '@salesforce/sf-plugins-core';
import { ConversationCommand, exitWith } from '../../cli/command.js';
import { COMMAND_EXIT_CODES, errorCodesHelp } from '../../cli/errorCodes.js';
import { accessFlags, apiVersionFlag, targetOrgFlag } from '../../cli/flags.js';
import { bundle } from '../../messages.js';
import { runDoctor, type DoctorResult } from '../../usecases/doctor.js';

const messages = bundle('conversation.doctor');
/** The flags and lines of the records doctor checks besides sessions, and of --report. */
const records = bundle('conversation.doctor.records');

export type ConversationDoctorResult = DoctorResult;

export default class ConversationDoctor extends ConversationCommand<ConversationDoctorResult> {
  public static readonly summary = messages.text('summary');
  public static readonly description = messages.text('description');
  public static readonly examples = messages.list('examples');
  public static readonly errorCodes = errorCodesHelp('doctor', COMMAND_EXIT_CODES.doctor);

  public static readonly flags = {
    'target-org': targetOrgFlag,
    'api-version': apiVersionFlag,
    'session-id': Flags.string({ char: 's', summary: messages.text('flags.session-id.summary') }),
    'voice-call-id': Flags.string({ summary: records.text('flags.voice-call-id.summary') }),
    case: Flags.string({ summary: records.text('flags.case.summary') }),
    'client-id': accessFlags['client-id'],
    report: Flags.string({ summary: records.text('flags.report.summary'), description: records.text('flags.report.description') }),
    force: Flags.boolean({ summary: records.text('flags.force.summary'), dependsOn: ['report'] }),
  };

  public async run(): Promise<ConversationDoctorResult> {
    const { flags } = await this.parse(ConversationDoctor);
    this.spinner.start(messages.text('spinner'));
    const result = await runDoctor(
      {
        targetOrg: flags['target-org'],
        sessionId: flags['session-id'],
        voiceCallId: flags['voice-call-id'],
        case: flags.case,
        apiVersion: flags['api-version'],
        clientId: flags['client-id'],
        report: flags.report,
        force: flags.force,
        pluginVersion: ConversationDoctor.plugin?.version,
      },
      (message) => this.warn(message)
    );
    this.spinner.stop();
    const width = Math.max(...result.checks.map((c) => c.name.length));
    for (const c of result.checks) {
      this.log(`${messages.text(`symbol.${c.status}`)} ${c.name.padEnd(width)}  ${c.detail}`);
      if (c.action) this.log(`  ${' '.repeat(width)}  ${messages.text('fix', [c.action])}`);
    }
    if (result.report) this.logToStderr(records.text('info.report', [result.report]));
    if (result.checks.some((c) => c.status === 'fail')) exitWith('CheckFailed');
    return result;
  }
}
