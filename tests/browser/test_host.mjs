// The host monitor (/host, and only there): follows takes and sign-ups by itself, read-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withShow, producerPage, shot, postingIdOf, openHost, DESKTOP } from './lib.mjs';

const SEED = JSON.parse(readFileSync(new URL('../../data/postings.json', import.meta.url))).postings;

test('/browser/host/follows-take-and-signups', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const host = await producer.context().newPage();
    await openHost(host, show);
    const first = SEED[postingIdOf(show.applyUrl) - 1];
    await host.locator('#title').filter({ hasText: first.title }).waitFor();
    await host.locator('#conn.conn-up').waitFor();
    await host.locator('#next').filter({ hasText: SEED[postingIdOf(show.applyUrl)].title }).waitFor();
    await producer.locator('#postings .posting').nth(2).getByRole('button', { name: '上播' }).click();
    await host.locator('#title').filter({ hasText: SEED[2].title }).waitFor();
    assert.equal(await host.locator('#elapsed').textContent(), '00:00');
    const points = await host.locator('#points li').allTextContents();
    assert.ok(points.length >= 1 && SEED[2].talking_points.includes(points[0]), String(points));
    const r = await fetch(show.base + '/api/apply', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ posting_id: 3, name: '主播测试', phone: '13900000003', consent: true }),
    });
    assert.equal(r.status, 201);
    await host.locator('#count').filter({ hasText: /^1$/ }).waitFor({ timeout: 10000 });
    await host.setViewportSize(DESKTOP.viewport);
    await shot(host, 'host-desktop');
    await host.setViewportSize({ width: 390, height: 844 });
    await shot(host, 'host-phone');
  });
});
