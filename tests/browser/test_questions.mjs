// Viewers' questions in real browsers against the real jobcast: a viewer on a phone-sized
// screen asks from the apply page (with and without JavaScript), the producer's Questions
// section shows it live, approves and answers it, and the apply page shows it with the answer;
// a hidden question is never shown publicly. Screenshots under build/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withShow, producerPage, shot, PHONE, postingIdOf, openHost, SCREENSHOTS, TOKEN } from './lib.mjs';

const ARRIVES = { timeout: 10000 };

async function viewerPage(browser, show, { js = true } = {}) {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
  await page.goto(show.applyUrl);
  return page;
}

async function ask(viewer, text) {
  await viewer.locator('#question').fill(text);
  await viewer.getByRole('button', { name: '提交问题' }).click();
  await viewer.locator('#question-note').filter({ hasText: '问题已收到' }).waitFor(ARRIVES);
}

// The producer's row of the question with text. (a locator)
function row(producer, text) {
  return producer.locator('#q-rows .q-row').filter({ hasText: text });
}

test('/browser/questions/ask-approve-answer-shown-on-apply-page', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const id = postingIdOf(show.applyUrl);
    // The queue follows the posting on air.
    await producer.locator('#q-posting option:checked[value="' + id + '"]').waitFor({ state: 'attached' });
    const viewer = await viewerPage(browser, show);
    await ask(viewer, '包住宿吗？');
    await shot(viewer, 'questions-asked-phone');
    const plain = await viewerPage(browser, show, { js: false });
    await plain.locator('#question').fill('隐藏我：加微信 abc');
    await plain.getByRole('button', { name: '提交问题' }).click();
    await plain.locator('#question-note').filter({ hasText: '问题已收到' }).waitFor(ARRIVES);

    // Live on the producer's page, newest first, not yet public.
    await row(producer, '隐藏我').waitFor(ARRIVES);
    await row(producer, '包住宿吗？').waitFor(ARRIVES);
    assert.match(await producer.locator('#q-rows .q-row').first().textContent(), /隐藏我/);
    await viewer.reload();
    assert.equal(await viewer.locator('#faq').count(), 0);

    await row(producer, '包住宿吗？').getByRole('button', { name: '通过' }).click();
    await row(producer, '包住宿吗？').locator('.q-state').filter({ hasText: '已通过' }).waitFor(ARRIVES);
    await row(producer, '隐藏我').getByRole('button', { name: '隐藏' }).click();
    await row(producer, '隐藏我').locator('.q-state').filter({ hasText: '已隐藏' }).waitFor(ARRIVES);
    await row(producer, '包住宿吗？').locator('textarea').fill('包住，四人间，有空调');
    await row(producer, '包住宿吗？').getByRole('button', { name: '保存回答' }).click();
    await row(producer, '包住宿吗？').locator('.q-state').filter({ hasText: '已回答' }).waitFor(ARRIVES);
    await shot(producer, 'questions-desk');

    // English toggle relabels the section.
    await producer.locator('#lang').click();
    await producer.locator('#questions-h').filter({ hasText: 'Viewer questions' }).waitFor();
    await producer.locator('#lang').click();

    await viewer.reload();
    const faq = viewer.locator('#faq');
    await faq.waitFor();
    assert.match(await faq.textContent(), /包住宿吗？/);
    assert.match(await faq.textContent(), /包住，四人间，有空调/);
    assert.doesNotMatch(await viewer.content(), /隐藏我/);
    await shot(viewer, 'questions-faq-phone');
    assert.deepEqual(viewer.problems, []);
    assert.deepEqual(plain.problems, []);
    assert.deepEqual(producer.problems, []);
  });
});

test('/browser/questions/two-producers-stay-in-sync', async () => {
  await withShow(async ({ show, browser }) => {
    const a = await producerPage(browser, show);
    const b = await producerPage(browser, show);
    const viewer = await viewerPage(browser, show);
    await ask(viewer, '56岁可以报名吗？');
    await row(a, '56岁').waitFor(ARRIVES);
    await row(b, '56岁').waitFor(ARRIVES);
    await row(a, '56岁').getByRole('button', { name: '通过' }).click();
    await row(b, '56岁').locator('.q-state').filter({ hasText: '已通过' }).waitFor(ARRIVES);
    await row(b, '56岁').getByRole('button', { name: '上屏' }).click();
    await row(a, '56岁').locator('.q-onair').waitFor(ARRIVES);
    await a.locator('#q-off-air').click();
    await row(b, '56岁').locator('.q-onair').waitFor({ state: 'detached', ...ARRIVES });
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
  });
});

test('/browser/questions/host-monitor-shows-approved-ones', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const account = await producer.evaluate(() =>
      window.jobcast.rpc.call('accounts.add', { name: 'anchor', role: 'host' }));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const host = await context.newPage();
    await host.goto(show.base + '/login?token=' + account.token);
    await openHost(host, show);
    await host.locator('#conn.conn-up').waitFor();
    const viewer = await viewerPage(browser, show);
    await ask(viewer, '夜班有补贴吗？');
    await ask(viewer, '还没审核的提问');
    await row(producer, '夜班有补贴吗？').getByRole('button', { name: '通过' }).click();
    await host.locator('#question-list li').filter({ hasText: '夜班有补贴吗？' }).waitFor(ARRIVES);
    await row(producer, '夜班有补贴吗？').getByRole('button', { name: '上屏' }).click();
    await host.locator('#question-list li.on-screen').filter({ hasText: '夜班有补贴吗？' }).waitFor(ARRIVES);
    assert.doesNotMatch(await host.content(), /还没审核的提问/);
    await shot(host, 'questions-host');
  });
});

// The program's preview frame (JPEG) as grey samples. { width, height, gray }
function previewGray(show) {
  return fetch(show.base + '/api/preview.jpg', { headers: { authorization: 'Bearer ' + TOKEN } })
    .then((r) => {
      assert.equal(r.status, 200);
      return r.arrayBuffer();
    }).then((jpeg) => {
      const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height',
        '-of', 'csv=p=0', '-i', 'pipe:0'], { input: Buffer.from(jpeg) });
      assert.equal(probe.status, 0, 'ffprobe is needed: ' + probe.stderr);
      const [width, height] = String(probe.stdout).trim().split(',').map(Number);
      const dec = spawnSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt',
        'gray', 'pipe:1'], { input: Buffer.from(jpeg), maxBuffer: 1 << 26 });
      assert.equal(dec.status, 0, 'ffmpeg is needed: ' + dec.stderr);
      return { width, height, gray: dec.stdout };
    });
}

async function layers(show) {
  const r = await fetch(show.base + '/api/overlay/layers', { headers: { authorization: 'Bearer ' + TOKEN } });
  assert.equal(r.status, 200);
  return r.json();
}

// Samples of frame a and b inside box (program pixels, scaled to the preview) that differ by
// more than 40 levels, and the box's size in preview samples.
function changedIn(a, b, box, programWidth) {
  const s = a.width / programWidth;
  let changed = 0, total = 0;
  for (let y = Math.floor(box.y * s); y < Math.min(a.height, (box.y + box.height) * s); y++) {
    for (let x = Math.floor(box.x * s); x < Math.min(a.width, (box.x + box.width) * s); x++) {
      total++;
      if (Math.abs(a.gray[y * a.width + x] - b.gray[y * b.width + x]) > 40) changed++;
    }
  }
  return { changed, total };
}

test('/browser/questions/on-air-lower-third-in-program-frame', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    await producer.evaluate(() =>
      window.jobcast.rpc.call('graphics.lower_third', { name: '主播 小王', title: '零工市场' }));
    const viewer = await viewerPage(browser, show);
    await ask(viewer, '包住宿吗？56岁可以报名吗？');
    await row(producer, '56岁').getByRole('button', { name: '通过' }).click();
    await row(producer, '56岁').locator('.q-state').filter({ hasText: '已通过' }).waitFor(ARRIVES);
    await sleep(1500); // the lower third's scene is on air
    const off = await layers(show);
    const before = await previewGray(show);
    await row(producer, '56岁').getByRole('button', { name: '上屏' }).click();
    let on = null;
    for (let i = 0; i < 100; i++) {
      on = await layers(show);
      if (on.layers.length === off.layers.length + 1) break;
      await sleep(100);
    }
    assert.equal(on.layers.length, off.layers.length + 1, 'the question is a layer of its own');
    const known = new Set(off.layers.map((l) => l.id));
    const q = on.layers.find((l) => !known.has(l.id));
    const host = off.layers[off.layers.length - 1];
    assert.ok(on.layers.some((l) => l.id === host.id), "the host's lower third stays");
    assert.ok(q.y + q.height <= host.y, 'above the host lower third: ' + JSON.stringify([q, host]));
    await sleep(2000); // past the transition, and a new preview frame
    const after = await previewGray(show);
    const inside = changedIn(before, after, q, on.width);
    assert.ok(inside.changed > inside.total / 20,
      'the question is drawn in the program: ' + JSON.stringify(inside));
    await shot(producer, 'questions-on-air-desk');
    writeFileSync(join(SCREENSHOTS, 'questions-program-on-air.jpg'),
      Buffer.from(await fetch(show.base + '/api/preview.jpg',
        { headers: { authorization: 'Bearer ' + TOKEN } }).then((r) => r.arrayBuffer())));
  });
});
