import { Flags } from '@salesforce/sf-plugins-core';
import { ConversationCommand, exitWith } from '../../cli/command.js';
import { COMMAND_EXIT_CODES, errorCodesHelp } from '../../cli/errorCodes.js';
import { accessFlags, apiVersionFlag, targetOrgFlag } from '../../cli/flags.js';
import { bundle } from '../../messages.js';
import { runDoctor, type DoctorResult } from '../../usecases/doctor.js';

const messages = bundle('conversation.doctor');

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
    'client-id': accessFlags['client-id'],
  };

  public async run(): Promise<ConversationDoctorResult> {
    const { flags } = await this.parse(ConversationDoctor);
    this.spinner.start(messages.text('spinner'));
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
      this.log(`${messages.text(`symbol.${c.status}`)} ${c.name.padEnd(width)}  ${c.detail}`);
      if (c.action) this.log(`  ${' '.repeat(width)}  ${messages.text('fix', [c.action])}`);
    }
    if (result.checks.some((c) => c.status === 'fail')) exitWith('CheckFailed');
    return result;
  }
}
