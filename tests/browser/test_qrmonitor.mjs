// The QR read-back monitor on the producer's desk: while the on-air code does not scan off the
// encoded stream (frames blurred on purpose through the hidden --test-qr-blur window), the
// program monitor carries a banner and the health panel says so; when it reads again, both go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withShow, producerPage, shot } from './lib.mjs';

test('/browser/qrmonitor/banner-while-the-code-does-not-scan', async () => {
  // An output to a file: a show with no output and no recording encodes nothing to read back.
  const out = join(tmpdir(), `jobcast-qrmonitor-${process.pid}.flv`);
  try {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    await producer.locator('.h-qr').filter({ hasText: '能扫出' }).waitFor({ timeout: 15000 });
    // Reading: no banner (a machine starved at start-up can raise one before the first read; it
    // goes with the first read's status).
    await producer.locator('#pgm-qr-alarm').waitFor({ state: 'hidden', timeout: 3000 });
    await producer.locator('#pgm-qr-alarm').waitFor({ state: 'visible', timeout: 20000 });
    assert.match(await producer.locator('.h-qr').textContent(), /扫不出/);
    await shot(producer, 'qrmonitor-alarm-desktop');
    await producer.locator('#pgm-qr-alarm').waitFor({ state: 'hidden', timeout: 20000 });
    await producer.locator('.h-qr').filter({ hasText: '能扫出' }).waitFor({ timeout: 5000 });
    assert.deepEqual(producer.problems, []);
  }, ['--test-qr-blur', '10,22', '--output', 'file://' + out]);
  } finally {
    rmSync(out, { force: true });
  }
});
