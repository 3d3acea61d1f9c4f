import { expect } from 'chai';
import { parseInstant } from '../../src/input/time.js';
import { formatInstant } from '../../src/transcript/time.js';
import { earliestTime, orderTime, toEpochMs } from '../../src/sources/api/entryTime.js';

describe('time', () => {
  it('normalises seconds and milliseconds by magnitude', () => {
    expect(toEpochMs(1_600_788_018)).to.equal(1_600_788_018_000);
    expect(toEpochMs(1_736_508_089_610)).to.equal(1_736_508_089_610);
    expect(toEpochMs('1736508089610')).to.equal(1_736_508_089_610);
    expect(toEpochMs(0)).to.equal(undefined);
    expect(toEpochMs(null)).to.equal(undefined);
    expect(toEpochMs('soon')).to.equal(undefined);
  });

  it("an entry's time (order and display): server-received, then transcripted, then client time", () => {
    expect(orderTime({ transcriptedTimestamp: 3_000_000_000_000, serverReceivedTimestamp: 2_000_000_000_000, clientTimestamp: 1 })).to.equal(2_000_000_000_000);
    expect(orderTime({ transcriptedTimestamp: 3_000_000_000_000, clientTimestamp: 1_000_000_000_000 })).to.equal(3_000_000_000_000);
    expect(orderTime({ clientTimestamp: 1_000_000_000 })).to.equal(1_000_000_000_000);
    expect(orderTime({})).to.equal(undefined);
    expect(earliestTime({ serverReceivedTimestamp: 2_000_000_000_000, clientTimestamp: 1_999_999_999_990 })).to.equal(1_999_999_999_990);
  });

  it('parses ISO-8601 and epoch ms, and nothing else', () => {
    expect(parseInstant('1764000000000')).to.equal(1_764_000_000_000);
    expect(parseInstant('2026-11-24T09:30:00Z')).to.equal(Date.UTC(2026, 10, 24, 9, 30));
    expect(parseInstant('2026-11-24T09:30:00+01:00')).to.equal(Date.UTC(2026, 10, 24, 8, 30));
    expect(parseInstant('2026-11-24')).to.equal(Date.UTC(2026, 10, 24));
    expect(parseInstant('2026-11-24T09:30')).to.equal(new Date(2026, 10, 24, 9, 30).getTime());
    for (const bad of ['', 'yesterday', '2026-02-30', '2026-13-01', '24/11/2026', '1e12', '-5', '2026-11-24T25:00Z', "2026-11-24' OR 1=1", '99999999999999999']) {
      expect(parseInstant(bad), bad).to.equal(undefined);
    }
  });

  it('formats local time with its offset, and UTC with Z', () => {
    const ms = Date.UTC(2025, 0, 10, 11, 21, 29);
    expect(formatInstant(ms, true)).to.equal('2025-01-10 11:21:29Z');
    expect(formatInstant(ms)).to.match(/^2025-01-1\d \d\d:\d\d:29[+-]\d\d:\d\d$/);
  });
});
