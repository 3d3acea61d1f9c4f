/*
 * One spelling and one label, whatever the source's spelling: entry types, sender roles and app types
 * (transcript/labels.ts), for the API's entries and the ConversationEntry records alike.
 */
import { expect } from 'chai';
import {
  appTypeLabel,
  canonicalAppType,
  canonicalEntryType,
  canonicalRole,
  entryTypeLabel,
  isMessageType,
  participantOf,
  roleLabel,
  senderLabel,
} from '../../src/transcript/labels.js';
import { normalizeEntry } from '../../src/transcript/normalize.js';

/** ParticipantChanged → ParticipantChanged, PARTICIPANT_CHANGED, participant_changed, participantchanged, participant-changed, PARTICIPANTCHANGED, Participant Changed, participantChanged. */
function spellings(pascal: string): string[] {
  const words = pascal.split(/(?=[A-Z])/);
  return [
    pascal,
    words.join('_').toUpperCase(),
    words.join('_').toLowerCase(),
    pascal.toLowerCase(),
    words.join('-').toLowerCase(),
    pascal.toUpperCase(),
    words.join(' '),
    pascal.charAt(0).toLowerCase() + pascal.slice(1),
  ];
}

describe('labels: one spelling, one label', () => {
  const types: Array<[string, string]> = [
    ['ParticipantChanged', 'Participant changed'],
    ['ModalityUpdate', 'Channel modality changed'],
    ['RoutingResult', 'Routing result'],
    ['RoutingWorkResult', 'Routing work result'],
    ['SessionStatusChanged', 'Session status changed'],
    ['MessageDeliveryFailed', 'Message delivery failed'],
    ['EndUserOptedIn', 'Customer opted in'],
    ['BotEscalated', 'Bot escalated to an agent'],
    ['ChatbotEstablished', 'Bot joined'],
  ];
  for (const [type, label] of types) {
    it(`${type} in every spelling is one type with one label`, () => {
      for (const spelling of spellings(type)) {
        expect(canonicalEntryType(spelling), spelling).to.equal(type);
        expect(entryTypeLabel(spelling), spelling).to.equal(label);
        expect(isMessageType(spelling), spelling).to.equal(false);
      }
    });
  }

  it('Message and Text are messages in every spelling; an unknown type gets a label from its words', () => {
    for (const spelling of [...spellings('Message'), ...spellings('Text')]) expect(isMessageType(spelling), spelling).to.equal(true);
    expect(canonicalEntryType('VOICE_CALL_ENDED')).to.equal('VoiceCallEnded');
    expect(canonicalEntryType('voiceCallEnded')).to.equal('VoiceCallEnded');
    for (const spelling of spellings('VoiceCallEnded')) expect(entryTypeLabel(spelling), spelling).to.match(/^Voice ?call ?ended$/i);
    expect(canonicalEntryType(undefined)).to.equal(undefined);
    expect(canonicalEntryType('  ')).to.equal(undefined);
  });

  it('roles of either source map to the same label (EndUser/END_USER, Bot/Chatbot/CHATBOT, …)', () => {
    const roles: Array<[string[], string, string]> = [
      [spellings('EndUser'), 'EndUser', 'Customer'],
      [[...spellings('Chatbot'), 'Bot', 'BOT'], 'Chatbot', 'Bot'],
      [spellings('Agent'), 'Agent', 'Agent'],
      [spellings('Supervisor'), 'Supervisor', 'Supervisor'],
      [spellings('System'), 'System', 'System'],
      [spellings('Router'), 'Router', 'Router'],
    ];
    for (const [all, canonical, label] of roles) {
      for (const spelling of all) {
        expect(canonicalRole(spelling), spelling).to.equal(canonical);
        expect(roleLabel(spelling), spelling).to.equal(label);
      }
    }
    expect(canonicalRole('Martian')).to.equal('Martian');
  });

  it('app types of either source map to the same label (chatbot/CHATBOT, telephony_integration/TELEPHONY_INTEGRATION, …)', () => {
    for (const [spellingsOf, canonical, label] of [
      [['chatbot', 'CHATBOT', 'ChatBot'], 'chatbot', 'bot'],
      [['telephony_integration', 'TELEPHONY_INTEGRATION', 'TelephonyIntegration', 'telephony-integration'], 'telephony_integration', 'phone'],
      [['iamessage', 'IAMESSAGE'], 'iamessage', 'In-App and Web'],
      [['conversation', 'CONVERSATION'], 'conversation', 'conversation'],
    ] as Array<[string[], string, string]>) {
      for (const spelling of spellingsOf) {
        expect(canonicalAppType(spelling), spelling).to.equal(canonical);
        expect(appTypeLabel(spelling), spelling).to.equal(label);
      }
    }
  });

  it('a sender is named by its role label, and its name or app type unless that only repeats the role', () => {
    expect(senderLabel({ senderRole: 'END_USER', senderAppType: 'IAMESSAGE' })).to.equal('Customer (In-App and Web)');
    expect(senderLabel({ senderRole: 'EndUser', senderAppType: 'iamessage' })).to.equal('Customer (In-App and Web)');
    expect(senderLabel({ senderRole: 'CHATBOT', senderAppType: 'CHATBOT' })).to.equal('Bot');
    expect(senderLabel({ senderRole: 'Agent', senderAppType: 'agent' })).to.equal('Agent');
    expect(senderLabel({ senderRole: 'Agent', senderName: 'Ann' })).to.equal('Agent (Ann)');
    expect(senderLabel({})).to.equal('Unknown');
  });

  it('the API entries and the ConversationEntry records of the same participants get the same labels', () => {
    const api = normalizeEntry({ entryType: 'PARTICIPANT_CHANGED', sender: { role: 'END_USER', appType: 'IAMESSAGE' }, serverReceivedTimestamp: 1 });
    const record = normalizeEntry({ attributes: { type: 'ConversationEntry' }, Seq: 1, ActorType: 'EndUser', EntryType: 'participant_changed' });
    expect(api.entryType).to.equal('ParticipantChanged');
    expect(record.entryType).to.equal('ParticipantChanged');
    expect(api.senderRole).to.equal(record.senderRole);
    expect(api.text).to.equal('[Participant changed]');
    expect(record.text).to.equal('[Participant changed]');
    expect(participantOf(api)).to.equal('customer');
    expect(participantOf(record)).to.equal('customer');
    expect(participantOf({ senderRole: 'Bot' })).to.equal('bot');
  });
});
