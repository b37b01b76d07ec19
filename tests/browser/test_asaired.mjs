// The control page's as-aired section in a real browser: a take and the break slate appear in
// the log with the pay shown, the filter narrows it, the CSV link exports the same filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withShow, producerPage, shot } from './lib.mjs';

const SEED = JSON.parse(readFileSync(new URL('../../data/postings.json', import.meta.url))).postings;

test('/browser/asaired/take-and-slate-listed-and-exported', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const row = page.locator('#postings .posting').nth(2);
    await row.getByRole('button', { name: '上播' }).click();
    await page.locator('#pgm-info .info-title').filter({ hasText: SEED[2].title }).waitFor();
    await page.evaluate(() => window.jobcast.rpc.call('graphics.slate', { on: true }));
    await page.evaluate(() => window.jobcast.rpc.call('graphics.slate', { on: false }));

    const take = page.locator('#aa-rows tr[data-event="take"]').filter({ hasText: SEED[2].title });
    await take.first().waitFor({ timeout: 15000 });
    const text = await take.first().textContent();
    assert.match(text, /上播/);
    assert.ok(text.includes('元/'), 'the pay shown is listed: ' + text);
    assert.match(text, /producer/);
    await page.locator('#aa-rows tr[data-event="slate_on"]').first().waitFor();
    await page.locator('#aa-rows tr[data-event="slate_off"]').first().waitFor();
    await shot(page, 'control-asaired');

    // Only posting 3's entries, and the export link carries the same filter.
    await page.locator('#aa-posting').fill('3');
    await page.locator('#aa-filter button[type=submit]').click();
    await page.waitForFunction(() => [...document.querySelectorAll('#aa-rows tr')]
      .every((tr) => tr.textContent.includes('#3 ')));
    const href = await page.locator('#aa-csv').getAttribute('href');
    assert.equal(href, '/api/asaired.csv?posting_id=3');
    const csv = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type'),
               bytes: Array.from(new Uint8Array(await r.clone().arrayBuffer()).slice(0, 3)),
               text: await r.text() };
    }, href);
    assert.equal(csv.status, 200);
    assert.match(csv.type, /^text\/csv/);
    assert.deepEqual(csv.bytes, [0xef, 0xbb, 0xbf]);
    assert.ok(csv.text.includes(SEED[2].title));
    assert.ok(!csv.text.includes(SEED[0].title + ','), 'another posting in the filtered export');
    assert.deepEqual(page.problems, []);
  });
});
