/*
 * Help for running the plugin on its own (bin/run.js): oclif's help plus the ERROR CODES section that the sf CLI's
 * own help shows. Inside `sf`, the CLI's help class is used instead. Loaded only for --help.
 */
import { CommandHelp, Help, type Command, type HelpSection } from '@oclif/core';

class CommandHelpWithErrorCodes extends CommandHelp {
  protected sections(): ReturnType<CommandHelp['sections']> {
    return [
      ...super.sections(),
      {
        header: 'ERROR CODES',
        generate: ({ cmd }): HelpSection[] => {
          const section = (cmd as Command.Loadable & { errorCodes?: HelpSection }).errorCodes;
          return section ? [section] : [];
        },
      },
    ];
  }
}

export default class PluginHelp extends Help {
  protected getCommandHelpClass(command: Command.Loadable): CommandHelp {
    return new CommandHelpWithErrorCodes(command, this.config, this.opts);
  }
}
