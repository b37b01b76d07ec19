// Markup typed by viewers or stored in postings is shown as text on the producer's and the
// host's pages, never run: no dialog, no injected element, no script side effect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withShow, producerPage, shot, postingIdOf, openHost } from './lib.mjs';

const PAYLOADS = [
  '<img src=x onerror=alert(1)>', // names are at most 40 characters
  '<script>alert(2)</script>',
  '<svg onload=window.__pwned=1>',
];

async function signUp(show, postingId, name, phone) {
  const r = await fetch(show.base + '/api/apply', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ posting_id: postingId, name, phone, consent: true }),
  });
  assert.equal(r.status, 201);
}

test('/browser/security/markup-in-name-shown-as-text', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const id = postingIdOf(show.applyUrl);
    await signUp(show, id, PAYLOADS[0], '13800000001');
    await signUp(show, id, PAYLOADS[1], '13800000002');
    await signUp(show, id, PAYLOADS[2], '13800000003');
    for (const p of PAYLOADS)
      await page.locator('#signups .signup-name').filter({ hasText: p }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#signups img, #signups script, #signups svg').count(), 0);
    assert.equal(await page.locator('body img:not(.live):not(.card-png):not(#ed-card), body script:not([src])').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // A reload lists them again (from state, if the server sends recent sign-ups) and still
    // runs nothing.
    await page.reload();
    await page.locator('#conn.conn-up').waitFor();
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/security/markup-in-posting-shown-as-text', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const row = page.locator('#postings .posting').filter({ hasText: '<b>急招</b>' });
    await row.waitFor();
    assert.equal(await page.locator('#postings b').count(), 0);
    await row.getByRole('button', { name: '上播' }).click();
    await page.locator('#pgm-info .info-title').filter({ hasText: '<b>急招</b>' }).waitFor();
    assert.equal(await page.locator('#program b, #preview b').count(), 0);
    // The host monitor too.
    const host = await page.context().newPage();
    await openHost(host, show);
    await host.locator('#title').filter({ hasText: '<b>急招</b>' }).waitFor();
    assert.equal(await host.locator('b').count(), 0);
    await shot(page, 'control-markup-desktop');
    assert.deepEqual(page.problems, []);
  });
});
