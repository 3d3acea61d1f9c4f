import { expect } from 'chai';
import { checkSelection, conditions, idQueries, parseSince } from '../../src/export/selection.js';
import { to18 } from '../../src/ids.js';

describe('export selection', () => {
  const now = Date.UTC(2026, 10, 24, 12);

  it('accepts channel types in any case and names them canonically in SOQL', async () => {
    const s = await checkSelection({ sessionIds: [], channels: ['whatsapp', 'TEXT'] }, now);
    expect(s.channels).to.deep.equal(['WhatsApp', 'Text']);
    expect(conditions(s)).to.deep.equal(["ChannelType IN ('WhatsApp', 'Text')"]);
  });

  it('reads relative times against now', () => {
    expect(parseSince('7d', now)).to.equal(now - 7 * 86_400_000);
    expect(parseSince('12h', now)).to.equal(now - 12 * 3_600_000);
    expect(parseSince('soon', now)).to.equal(undefined);
  });

  it('batches ids by 200 and ANDs the filters, the raw condition in parentheses', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => to18(`0Mw5g00001${String(i).padStart(5, '0')}`));
    const s = await checkSelection({ sessionIds: ids, channels: [], since: '2026-11-01', where: "Status = 'Ended'" }, now);
    const queries = idQueries(s);
    expect(queries).to.have.length(3);
    expect(queries[2]).to.match(/WHERE Id IN \((?:'0Mw\w{15}',?){50}\) AND StartTime >= 2026-11-01T00:00:00Z AND \(Status = 'Ended'\)$/);
  });

  it('needs at least one selector', async () => {
    let name = '';
    await checkSelection({ sessionIds: [], channels: [] }, now).catch((e: Error) => (name = e.name));
    expect(name).to.equal('NoSelectorError');
  });
});
