/*
 * withCompactHeap sets a V8 flag in a running process. V8 answers a flag it doesn't know with "Error: unrecognized
 * flag" on stderr, which users would see on every export: a child process shows what V8 prints.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { HEAP_GROWING_PERCENT, withCompactHeap } from '../../src/usecases/exportHeap.js';

describe('withCompactHeap', () => {
  it('returns what the work returns, and passes its error on', async () => {
    expect(await withCompactHeap(() => Promise.resolve(42))).to.equal(42);
    const failure = new Error('boom');
    const caught = await withCompactHeap(() => Promise.reject(failure)).catch((error: unknown) => error);
    expect(caught).to.equal(failure);
  });

  it('V8 knows the flag: setting it and putting it back prints nothing, and the process goes on', () => {
    const script = `import { withCompactHeap } from ${JSON.stringify(new URL('../../src/usecases/exportHeap.ts', import.meta.url).href)};
      await withCompactHeap(async () => { const garbage = []; for (let i = 0; i < 2e5; i++) garbage.push({ i }); });
      process.stdout.write('done');`;
    const { stdout, stderr, status } = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(stderr).to.equal('');
    expect(stdout).to.equal('done');
    expect(status).to.equal(0);
    expect(HEAP_GROWING_PERCENT).to.be.within(1, 100);
  });
});
