// The desk's studio controls beyond the rundown: sound (mute button, M key, level meter, the
// muted banner and the host monitor's badge), the portrait layout re-laying out both monitors,
// the theme choice (offered only when there is more than one), and the posting editor
// following a language switch while it is open.
// Each test starts its own jobcast and browser (lib.mjs); waits are on conditions, never fixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withShow, producerPage, shot, openHost, DESKTOP } from './lib.mjs';

// state.get over the page's own connection: what the server holds, not what the page shows.
const serverState = (page) => page.evaluate(() => window.jobcast.rpc.call('state.get'));

// Waits until the server's state satisfies pred (a function of the state, run in the page).
const serverSays = (page, pred) =>
  page.waitForFunction(async (src) => {
    // eslint-disable-next-line no-new-func
    const fn = new Function('s', 'return (' + src + ')(s)');
    return fn(await window.jobcast.rpc.call('state.get'));
  }, pred.toString(), { polling: 100 });

test('/browser/studio/mute-unmute-everywhere', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const host = await page.context().newPage();
    await openHost(host, show);
    await host.locator('#conn.conn-up').waitFor();
    assert.equal(await host.locator('#muted').isHidden(), true);
    assert.equal(await page.locator('#pgm-muted').isHidden(), true);

    // The meter follows the streamer's status: a level (or silence) replaces the dash.
    await page.waitForFunction(() => document.getElementById('audio-db').textContent !== '–',
                               null, { timeout: 20000 });

    await page.locator('#mute').click();
    await serverSays(page, (s) => s.audio.muted === true);
    await page.locator('#pgm-muted').waitFor();
    assert.equal(await page.locator('#mute').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#mute-label').textContent(), '取消静音');
    await host.locator('#muted').filter({ hasText: '静音' }).waitFor();
    // The streamer reports it too (what is on air), within a status or two.
    await serverSays(page, (s) => !s.stream || !s.stream.audio || s.stream.audio.muted === true);
    await shot(page, 'control-muted-desktop');
    await shot(host, 'host-muted-desktop');

    // M unmutes (and a reload shows the server's setting, not the page's memory).
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press('m');
    await serverSays(page, (s) => s.audio.muted === false);
    await page.locator('#pgm-muted').waitFor({ state: 'hidden' });
    await host.locator('#muted').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#mute').getAttribute('aria-pressed'), 'false');
    await page.keyboard.press('M');
    await serverSays(page, (s) => s.audio.muted === true);
    await page.reload();
    await page.locator('#conn.conn-up').waitFor();
    await page.locator('#pgm-muted').waitFor();
    await page.locator('#mute').click();
    await serverSays(page, (s) => s.audio.muted === false);
    await page.locator('#pgm-muted').waitFor({ state: 'hidden' });
    assert.deepEqual(page.problems, []);
  });
});

// The size of an element's box on the page.
const box = (page, sel) => page.locator(sel).evaluate((e) => {
  const r = e.getBoundingClientRect();
  return { w: r.width, h: r.height };
});

test('/browser/studio/portrait-layout-monitors', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    await page.locator('#preview img.card-png').waitFor();
    let pvw = await box(page, '#preview');
    let pgm = await box(page, '#program');
    assert.ok(pvw.w > pvw.h && pgm.w > pgm.h, 'landscape monitors: ' + JSON.stringify([pvw, pgm]));

    await page.locator('#f-layout input[value="9:16"]').check();
    await serverSays(page, (s) => s.graphics.layout === '9:16');
    // Both monitors become 9:16 boxes at once, the card preview a portrait card in them.
    await page.waitForFunction(() => document.body.classList.contains('layout-portrait'));
    pvw = await box(page, '#preview');
    pgm = await box(page, '#program');
    for (const b of [pvw, pgm]) assert.ok(Math.abs(b.w / b.h - 9 / 16) < 0.02, 'a 9:16 box: ' + JSON.stringify(b));
    await page.waitForFunction(() => {
      const img = document.querySelector('#preview img.card-png');
      return img && img.isConnected && img.complete && img.naturalHeight > img.naturalWidth;
    });
    // The program thumbnail turns with the program (rebuilt at the portrait size).
    await page.locator('#program img.live').waitFor({ timeout: 20000 });
    await page.waitForFunction(() => {
      const img = document.querySelector('#program img.live');
      return img && img.naturalHeight > img.naturalWidth;
    }, null, { timeout: 20000 });
    await shot(page, 'control-portrait-desktop');

    await page.locator('#f-layout input[value="16:9"]').check();
    await page.waitForFunction(() => !document.body.classList.contains('layout-portrait'));
    pvw = await box(page, '#preview');
    pgm = await box(page, '#program');
    for (const b of [pvw, pgm]) assert.ok(Math.abs(b.w / b.h - 16 / 9) < 0.05, 'a 16:9 box: ' + JSON.stringify(b));
    await page.waitForFunction(() => {
      const img = document.querySelector('#preview img.card-png');
      return img && img.isConnected && img.complete && img.naturalWidth > img.naturalHeight;
    });
    await shot(page, 'control-landscape-desktop');
    // Without --theme-dir there is only the default theme: no choice to offer.
    await page.waitForFunction(() => window.jobcast.state.themes !== null);
    assert.equal(await page.locator('#f-theme').isHidden(), true);
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/studio/theme-choice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobcast-themes-'));
  copyFileSync(new URL('../../config/theme.example.ini', import.meta.url), join(dir, 'night.ini'));
  try {
    await withShow(async ({ show, browser }) => {
      const page = await producerPage(browser, show);
      const other = await producerPage(browser, show);
      const select = page.locator('#g-theme');
      await page.locator('#f-theme').waitFor();
      assert.deepEqual(await select.locator('option').evaluateAll((os) => os.map((o) => o.value)),
                       ['default', 'night']);
      assert.equal(await select.inputValue(), 'default');
      await select.selectOption('night');
      await serverSays(page, (s) => s.graphics.theme === 'night');
      // Another desk follows (graphics.changed), and the card preview is redrawn in it.
      await other.waitForFunction(() => document.getElementById('g-theme').value === 'night');
      await page.waitForFunction(() => /theme=night/.test((document.querySelector('#preview img.card-png') || {}).src || ''));
      await shot(page, 'control-theme-desktop');
      await other.locator('#g-theme').selectOption('default');
      await page.waitForFunction(() => document.getElementById('g-theme').value === 'default');
      assert.deepEqual(page.problems, []);
      assert.deepEqual(other.problems, []);
    }, ['--theme-dir', dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('/browser/studio/editor-follows-language-switch', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show, DESKTOP);
    await page.locator('#new-posting').click();
    await page.locator('#editor[open]').waitFor();
    assert.equal(await page.locator('#ed-h').textContent(), '新建岗位');
    for (const [name, value] of Object.entries({ title: '夜班保安', company: '德州安保服务公司',
                                                 pay_min: 4000, pay_max: 5000, headcount: 3 }))
      await page.locator('#ed-form [name="' + name + '"]').fill(String(value));
    // A new posting's preview says its QR is a placeholder until saved.
    await page.locator('#ed-preview-note').filter({ hasText: '二维码在保存后生成' }).waitFor();

    await page.locator('#ed-lang').click();
    await page.locator('#ed-h').filter({ hasText: 'New posting' }).waitFor();
    assert.equal(await page.locator('#ed-save').textContent(), 'Save');
    assert.equal(await page.locator('#ed-form [data-i18n="fTitle"]').textContent(), 'Title');
    assert.equal(await page.locator('#ed-preview-note').textContent(), 'The QR code is made when you save');
    assert.equal(await page.locator('#ed-form [name="title"]').inputValue(), '夜班保安', 'the draft is kept');
    await shot(page, 'editor-en-desktop');
    await page.locator('#ed-lang').click();
    await page.locator('#ed-h').filter({ hasText: '新建岗位' }).waitFor();
    await page.locator('#ed-close').click();
    // An existing posting's heading keeps its number in either language.
    await page.locator('#postings .posting').first().getByRole('button', { name: '编辑' }).click();
    await page.locator('#ed-lang').click();
    await page.locator('#ed-h').filter({ hasText: /^Edit posting #\d+$/ }).waitFor();
    await page.locator('#ed-close').click();
    assert.equal(await page.locator('#lang').textContent(), '中文');
    assert.deepEqual(page.problems, []);
  });
});
