/*
 * Run the emulator on its own:
 *   tsx test/emulator/cli.ts [--port N] [--latency MS] [--paging window|token] [--fault-rate R] [--token-policy sfap-jwt|any] [--objects]
 * (--objects: also seedObjects.ts's standard-channel and enhanced sessions, voice calls, cases and ConversationEntry records.)
 * Prints the URL, the seeded ids and how to point a CLI at it, then serves until Ctrl-C.
 * The access token is printed because this is a local, throw-away test org and the hint needs it.
 */
import { parseArgs } from 'node:util';
import { CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS } from './seed.js';
import { CASE_NUMBERS, CASES, HUGE_ENTRY_COUNT, OBJECT_SESSIONS, VOICE_CALLS } from './seedObjects.js';
import { startEmulator } from './server.js';
import type { PagingModel, TokenPolicy } from './server.js';

function fail(message: string): never {
  process.stderr.write(`${message}\nUsage: tsx test/emulator/cli.ts [--port N] [--latency MS] [--paging window|token] [--fault-rate R] [--token-policy sfap-jwt|any] [--objects]\n`);
  process.exit(2);
}

function numberFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: 'string' },
      latency: { type: 'string' },
      paging: { type: 'string' },
      'fault-rate': { type: 'string' },
      'token-policy': { type: 'string' },
      objects: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (parsed.help) fail('Starts the local Salesforce org emulator.');
if (parsed.paging !== undefined && parsed.paging !== 'window' && parsed.paging !== 'token') fail('--paging must be window or token');
const tokenPolicy = parsed['token-policy'];
if (tokenPolicy !== undefined && tokenPolicy !== 'sfap-jwt' && tokenPolicy !== 'any') fail('--token-policy must be sfap-jwt or any');

const emulator = await startEmulator({
  port: numberFlag(parsed.port, 'port', 0, 65_535),
  latencyMs: numberFlag(parsed.latency, 'latency', 0, 600_000),
  paging: parsed.paging as PagingModel | undefined,
  faultRate: numberFlag(parsed['fault-rate'], 'fault-rate', 0, 1),
  tokenPolicy: tokenPolicy as TokenPolicy | undefined,
  seedObjects: parsed.objects,
});

const objectLines = parsed.objects
  ? [
      'Seeded objects (--objects):',
      `  standard SMS (ConversationEntry):          ${OBJECT_SESSIONS.sms}`,
      `  standard, ${HUGE_ENTRY_COUNT} ConversationEntry records:  ${OBJECT_SESSIONS.huge}`,
      `  enhanced, blank ConversationEntry Message: ${OBJECT_SESSIONS.enhancedBlank}`,
      `  voice call, monitored (API entries):       ${VOICE_CALLS.monitored}`,
      `  voice call, ConversationEntry records:     ${VOICE_CALLS.unmonitored}`,
      `  case with 2 sessions and 1 call:           ${CASES.full} (CaseNumber ${CASE_NUMBERS.full})`,
      `  case with nothing:                         ${CASES.empty} (CaseNumber ${CASE_NUMBERS.empty})`,
      '',
    ]
  : [];

const lines = [
  `Salesforce org emulator listening on ${emulator.url}`,
  `  instance URL and entries API base: ${emulator.url}`,
  `  username: ${emulator.username}  org id: ${emulator.orgId}`,
  '',
  'Seeded MessagingSession ids:',
  `  short (10 entries):          ${SESSIONS.short}   conversation ${CONVERSATIONS.short}`,
  `  long (${LONG_ENTRY_COUNT} entries):         ${SESSIONS.long}   conversation ${CONVERSATIONS.long}`,
  `  no Conversation linked:      ${SESSIONS.noConversation}`,
  `  valid id, not in the org:    ${SESSIONS.unknown}`,
  '',
  ...objectLines,
  `Entries API token policy: ${tokenPolicy ?? 'sfap-jwt'} (sfap-jwt: only a JWT access token with sfap_api; an opaque one gets 404)`,
  '',
  'To use it from a CLI (throw-away local tokens; use a separate HOME to keep your real ~/.sf untouched).',
  'SF_ACCESS_TOKEN below is a JWT with sfap_api (the `jwt` client app). An opaque token (the `opaque` app):',
  `  ${emulator.tokenFor('opaque')}`,
  `  export SF_CONVERSATION_API_URL=${emulator.url}`,
  `  SF_ACCESS_TOKEN='${emulator.accessToken}' sf org login access-token --instance-url ${emulator.url} --alias emu --no-prompt`,
  `  sf conversation entries get --target-org emu --session-id ${SESSIONS.short}`,
  `  (or, without linking the plugin: ./bin/dev.js conversation entries get --target-org emu --session-id ${SESSIONS.short})`,
  '',
  'Press Ctrl-C to stop.',
];
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the emulator (${emulator.requests.length} requests served)\n`);
  await emulator.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
