// The producer's control page in a real browser: sign-in, the whole state, takes by click and
// by keyboard, the program monitor following, the language toggle, reconnection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withShow, producerPage, shot, postingIdOf, DESKTOP, PHONE } from './lib.mjs';

const SEED = JSON.parse(readFileSync(new URL('../../data/postings.json', import.meta.url))).postings;

// The rundown rows' titles, in order.
const titles = (page) => page.locator('#postings .posting-title').allTextContents();
const pgmTitle = (page) => page.locator('#pgm-info .info-title');
const pvwTitle = (page) => page.locator('#pvw-info .info-title');

test('/browser/producer/sign-in-shows-whole-state', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    // Every seeded posting, in order, and the one on air (the apply URL's) on the program bus.
    assert.deepEqual(await titles(page), SEED.map((p) => p.title));
    const onAir = SEED[postingIdOf(show.applyUrl) - 1];
    await pgmTitle(page).filter({ hasText: onAir.title }).waitFor();
    assert.equal(await page.locator('#postings .posting.is-onair .posting-title').textContent(), onAir.title);
    // Something is cued on the preview bus, and it is not what is on air.
    const cued = await pvwTitle(page).textContent();
    assert.ok(cued && cued !== onAir.title);
    assert.equal(await page.locator('#conn').textContent(), '已连接');
    await shot(page, 'control-desktop');
    const phone = await producerPage(browser, show, PHONE);
    await shot(phone, 'control-phone');
    assert.deepEqual(page.problems, []);
    assert.deepEqual(phone.problems, []);
  });
});

test('/browser/producer/take-by-click', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const other = await producerPage(browser, show); // a second producer follows the take
    const row = page.locator('#postings .posting').nth(2);
    await row.getByRole('button', { name: '上播' }).click();
    await pgmTitle(page).filter({ hasText: SEED[2].title }).waitFor();
    await page.locator('#postings .posting.is-onair').filter({ hasText: SEED[2].title }).waitFor();
    await pgmTitle(other).filter({ hasText: SEED[2].title }).waitFor();
    // Cue by clicking a row, then the big take button.
    await page.locator('#postings .posting').nth(5).locator('.posting-info').click();
    await pvwTitle(page).filter({ hasText: SEED[5].title }).waitFor();
    await page.locator('#take').click();
    await pgmTitle(page).filter({ hasText: SEED[5].title }).waitFor();
    await pgmTitle(other).filter({ hasText: SEED[5].title }).waitFor();
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/producer/take-by-keyboard', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    await page.keyboard.press('4'); // cue slot 4
    await pvwTitle(page).filter({ hasText: SEED[3].title }).waitFor();
    await page.keyboard.press('Space'); // take it
    await pgmTitle(page).filter({ hasText: SEED[3].title }).waitFor();
    // After a take the next posting is cued; arrows move the cue.
    await pvwTitle(page).filter({ hasText: SEED[4].title }).waitFor();
    await page.keyboard.press('ArrowDown');
    await pvwTitle(page).filter({ hasText: SEED[5].title }).waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await pvwTitle(page).filter({ hasText: SEED[3].title }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await pgmTitle(page).filter({ hasText: SEED[4].title }).waitFor();
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/producer/english-toggle', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    assert.equal(await page.locator('#rundown-h').textContent(), '岗位列表');
    await page.locator('#lang').click();
    await page.locator('#rundown-h').filter({ hasText: 'Rundown' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.reload();
    await page.locator('#rundown-h').filter({ hasText: 'Rundown' }).waitFor();
    await page.locator('#conn').filter({ hasText: 'Connected' }).waitFor();
    await page.locator('#lang').click();
    await page.locator('#rundown-h').filter({ hasText: '岗位列表' }).waitFor();
    assert.deepEqual(page.problems, []);
  });
});

// The socket is dropped from the server's side of a proxy (playwright's WebSocket routing),
// the show changes while the page is offline, then the server is reachable again.
test('/browser/producer/reconnects-and-resyncs', async () => {
  await withShow(async ({ show, browser }) => {
    const context = await browser.newContext(DESKTOP);
    let blocked = false;
    let live = null;
    await context.routeWebSocket(/\/api\/control$/, (ws) => {
      if (blocked) {
        ws.close({ code: 1011, reason: 'test: server unreachable' });
        return;
      }
      ws.connectToServer();
      live = ws;
    });
    const page = await context.newPage();
    await page.goto(show.loginUrl);
    await page.locator('#conn.conn-up').waitFor();
    assert.ok(live, 'the page connected through the route');
    const other = await producerPage(browser, show);

    blocked = true;
    await live.close({ code: 1001, reason: 'test: server went away' }); // as if from the server
    await page.locator('#conn.conn-down').waitFor();
    await page.locator('body.is-offline').waitFor();
    assert.match(await page.locator('#conn').textContent(), /已断开/);
    await shot(page, 'control-offline');

    // Meanwhile another producer takes posting 7 and a viewer signs up.
    await other.locator('#postings .posting').nth(6).getByRole('button', { name: '上播' }).click();
    await pgmTitle(other).filter({ hasText: SEED[6].title }).waitFor();
    assert.equal((await pgmTitle(page).textContent()) === SEED[6].title, false);

    blocked = false;
    await page.locator('#conn.conn-up').waitFor({ timeout: 15000 });
    await pgmTitle(page).filter({ hasText: SEED[6].title }).waitFor();
    await page.locator('#toast').filter({ hasText: '已重新连接' }).waitFor();
    assert.equal(await page.locator('body.is-offline').count(), 0);
  });
});
