/*
 * What every command of the plugin shares, once: parsing (any flag value the parser refuses is bad input, exit 2;
 * option values match in any case), plain --json off a terminal, Ctrl-C (clean up, one line, exit 130), a reader that
 * closed standard output (`| head`: end quietly), and the exit code of a use case's outcome, from the one table.
 */
import { SfCommand } from '@salesforce/sf-plugins-core';
import { ux, type Interfaces } from '@oclif/core';
import { ExitCode, type ExitName } from '../exitCodes.js';
import { cleanUpAll, cleanUpNow } from '../files/cleanup.js';
import { bundle } from '../messages.js';
import { writeJson } from './stdout.js';

const messages = bundle('cli');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'] as const;

/** A flag value the parser refuses is bad input: exit 2, as documented (sf-plugins-core's own flag types say 1). */
function asInputError(error: unknown): never {
  if (error instanceof Error) {
    const oclif = (error as { oclif?: { exit?: number } }).oclif;
    Object.assign(error, { exitCode: ExitCode.InvalidInput }, oclif ? { oclif: { ...oclif, exit: ExitCode.InvalidInput } } : {});
  }
  throw error;
}

type OptionFlag = { char?: string; options?: readonly string[]; aliases?: string[] };
// oclif's FlagOutput and ArgOutput, which its index doesn't export.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = Record<string, any>;

/**
 * argv with every option flag's value spelt as the option it matches case-insensitively (`-r CSV` → `-r csv`), so
 * oclif's own check accepts it; a value that matches none is left for oclif to refuse by name.
 */
export function optionsInAnyCase(argv: string[], flags: Record<string, OptionFlag>): string[] {
  const byName = new Map<string, readonly string[]>();
  for (const [name, flag] of Object.entries(flags)) {
    if (!flag.options) continue;
    for (const spelling of [`--${name}`, ...(flag.char ? [`-${flag.char}`] : []), ...(flag.aliases ?? []).map((a) => `--${a}`)]) byName.set(spelling, flag.options);
  }
  const canonical = (options: readonly string[], value: string): string => options.find((o) => o.toLowerCase() === value.toLowerCase()) ?? value;
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    const token = out[i];
    if (token === '--') break;
    const eq = token.indexOf('=');
    const options = byName.get(eq > 0 ? token.slice(0, eq) : token);
    if (options && eq > 0) out[i] = `${token.slice(0, eq + 1)}${canonical(options, token.slice(eq + 1))}`;
    else if (options && i + 1 < out.length) out[i + 1] = canonical(options, out[i + 1]);
    else if (/^-[A-Za-z].+/.test(token) && byName.has(token.slice(0, 2))) out[i] = `${token.slice(0, 2)}${canonical(byName.get(token.slice(0, 2)) as readonly string[], token.slice(2))}`;
  }
  return out;
}

/** Sets the exit code of a use case's outcome, from the one table. */
export function exitWith(name: ExitName): void {
  process.exitCode = ExitCode[name];
}

// eslint-disable-next-line sf-plugin/only-extend-SfCommand -- the one base class of this plugin's commands, itself an SfCommand
export abstract class ConversationCommand<T> extends SfCommand<T> {
  /** What the interrupted-line says: the default, or export's (which can be resumed). */
  protected interruptedMessage = 'interrupted';

  /** Plain JSON off a terminal (cli/stdout.ts). */
  public logJson(json: unknown): void {
    writeJson(json, (j) => super.logJson(j));
  }

  /**
   * SfCommand turns a signal into `this.exit(130)` thrown inside the signal handler: a stack trace and exit 1, while the
   * command may go on writing. Its listeners are replaced here by one that cleans up (temp files and the lock at once;
   * a running Data Cloud query is cancelled, within a bounded time), says so in one line (and as a JSON error under
   * --json), and ends the process with 130. A second signal meanwhile ends it at once (the listener is gone).
   */
  // eslint-disable-next-line no-underscore-dangle, @typescript-eslint/naming-convention -- oclif's own method name
  public async _run<R>(): Promise<R> {
    const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    // SfCommand's _run adds its signal listeners before its first await: they are all there when it returns.
    // eslint-disable-next-line no-underscore-dangle
    const running = super._run<R>();
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener as () => void);
    }
    const onSignal = (): void => void this.interrupt();
    const onStdoutError = (error: NodeJS.ErrnoException): void => {
      // The reader went away (`| head`): there is no one left to write for; end quietly.
      if (error.code === 'EPIPE') {
        cleanUpNow();
        process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      }
    };
    for (const signal of SIGNALS) process.once(signal, onSignal);
    process.stdout.on('error', onStdoutError);
    try {
      return await running;
    } finally {
      for (const signal of SIGNALS) process.removeListener(signal, onSignal);
      process.stdout.removeListener('error', onStdoutError);
    }
  }

  /** oclif's parse, with option values in any case, and every parse error as bad input (exit 2). */
  protected async parse<F extends Output, B extends Output, A extends Output>(
    options?: Interfaces.Input<F, B, A>,
    argv = this.argv
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const flags = (options?.flags ?? {}) as Record<string, OptionFlag>;
    return super.parse<F, B, A>(options, optionsInAnyCase(argv, flags)).catch(asInputError);
  }

  /** Cleans up (a query still running on a server gets up to 2 s to be cancelled), says so, and exits with 130. */
  private async interrupt(): Promise<void> {
    // Should the command still end on its own while a query is being cancelled, it ends as interrupted.
    process.exitCode = ExitCode.Interrupted;
    await cleanUpAll();
    // A running spinner (oclif's action) holds stderr's writes back until it stops: end it, or the line is lost.
    if (ux.action.running) this.spinner.stop(messages.text('interrupted.spinner'));
    const message = messages.text(this.interruptedMessage);
    if (this.jsonEnabled()) {
      process.stdout.write(`${JSON.stringify({ status: ExitCode.Interrupted, name: 'InterruptedError', message, exitCode: ExitCode.Interrupted, warnings: [] }, null, 2)}\n`);
    }
    process.stderr.write(`\n${message}\n`);
    process.exit(ExitCode.Interrupted);
  }
}
