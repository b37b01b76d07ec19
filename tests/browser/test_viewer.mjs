// The viewer's ways in, in a phone-sized Chromium against the real jobcast: typing a posting's
// code (岗位码) at /j instead of scanning, an unknown code, a poster downloaded from the editor
// whose QR code leads to a sign-up counted under `poster`, and a question asked without
// JavaScript whose page a refresh does not post again. Screenshots under build/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withShow, shot, PHONE, postingIdOf, producerPage, rpc, SCREENSHOTS } from './lib.mjs';

const ARRIVES = { timeout: 10000 };

async function phonePage(browser, { js = true } = {}) {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
  return page;
}

// The code the apply page at url shows.
async function codeOf(page, url) {
  await page.goto(url);
  const code = (await page.locator('.posting-code strong').textContent()).trim();
  assert.match(code, /^\d{4}$/);
  return code;
}

// The code typed the way a phone's Chinese keyboard may give it: full-width digits.
function fullWidth(code) {
  return [...code].map((d) => String.fromCharCode(0xFF10 + Number(d))).join('');
}

test('/browser/code/typed-code-opens-apply-page', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await phonePage(browser, { js: false });
    const id = postingIdOf(show.applyUrl);
    const code = await codeOf(page, show.applyUrl);
    const title = (await page.locator('.posting h1').textContent()).trim();
    await page.goto(show.base + '/j');
    await shot(page, 'code-page-phone');
    await page.locator('#code').fill(fullWidth(code));
    await Promise.all([page.waitForURL(/\/a\/\d+/), page.getByRole('button', { name: '打开岗位' }).click()]);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/a/' + id);
    assert.equal(url.searchParams.get('src'), 'code');
    assert.equal((await page.locator('.posting h1').textContent()).trim(), title);
    // The sign-up form carries the source on.
    assert.equal(await page.locator('form[action="/api/apply"] input[name="src"]').inputValue(), 'code');
    await shot(page, 'code-opened-apply-phone');
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/code/unknown-code-message', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await phonePage(browser, { js: false });
    await page.goto(show.base + '/j');
    await page.locator('#code').fill('0000');
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/j'),
      page.getByRole('button', { name: '打开岗位' }).click(),
    ]);
    assert.equal(res.status(), 404);
    await page.locator('#code-error').filter({ hasText: '没有找到岗位码 0000 的岗位' }).waitFor(ARRIVES);
    assert.equal(await page.locator('#code').inputValue(), '0000');
    await shot(page, 'code-unknown-phone');
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/questions/no-js-refresh-asks-once', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const id = postingIdOf(show.applyUrl);
    const page = await phonePage(browser, { js: false });
    await page.goto(show.applyUrl);
    await page.locator('#question').fill('刷新不重复：包午饭吗？');
    await Promise.all([page.waitForURL(/\/asked/), page.getByRole('button', { name: '提交问题' }).click()]);
    await page.locator('#question-note').filter({ hasText: '问题已收到' }).waitFor(ARRIVES);
    assert.equal(new URL(page.url()).pathname, '/a/' + id + '/asked');
    // A refresh (and another) loads the page again; it does not post the question again.
    await page.reload();
    await page.reload();
    await page.locator('#question-note').filter({ hasText: '问题已收到' }).waitFor(ARRIVES);
    await shot(page, 'question-received-no-js-phone');
    const list = await rpc(producer, 'questions.list', { posting_id: id });
    assert.equal(list.questions.filter((q) => q.text === '刷新不重复：包午饭吗？').length, 1);
    assert.deepEqual(page.problems, []);
    assert.deepEqual(producer.problems, []);
  });
});

test('/browser/poster/qr-decodes-and-sign-up-counts-as-poster', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const id = postingIdOf(show.applyUrl);
    const row = producer.locator('#postings .posting[data-id="' + id + '"]');
    await row.getByRole('button', { name: '编辑' }).click();
    await producer.locator('#editor[open]').waitFor();
    const code = (await producer.locator('#ed-code').textContent()).trim();
    assert.match(code, /^\d{4}$/);
    // English toggle relabels the button; back to Chinese.
    await producer.locator('#ed-lang').click();
    await producer.locator('#ed-poster').filter({ hasText: 'Download poster' }).waitFor();
    await producer.locator('#ed-lang').click();
    await producer.locator('#ed-poster').filter({ hasText: '下载分享海报' }).waitFor();
    await shot(producer, 'poster-editor');
    const [download] = await Promise.all([producer.waitForEvent('download'),
                                          producer.locator('#ed-poster').click()]);
    const file = join(SCREENSHOTS, 'browser-poster-' + id + '.png');
    await download.saveAs(file);
    const size = spawnSync('python3', ['-c', 'import struct,sys;d=open(sys.argv[1],"rb").read(24);print(*struct.unpack(">II",d[16:24]))', file], { encoding: 'utf8' });
    assert.equal(size.stdout.trim(), '1080 1920');
    const r = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
    assert.ok(r.error === undefined, 'zbarimg (zbar-tools) could not run: ' + r.error);
    const url = r.stdout.trim();
    assert.equal(url, show.applyUrl + '?src=poster');

    // A viewer scans it and signs up: counted under poster.
    const viewer = await phonePage(browser);
    await viewer.goto(url);
    await viewer.locator('#name').fill('海报来的');
    await viewer.locator('#phone').fill('13700001234');
    await viewer.locator('#consent').check();
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.locator('#done').waitFor(ARRIVES);
    let src = null;
    for (let i = 0; i < 50; i++) {
      const st = await rpc(producer, 'stats.get', {});
      src = st.by_source.by_posting[String(id)];
      if (src && src.poster.signups === 1) break;
      await sleep(100);
    }
    assert.equal(src.poster.opens, 1);
    assert.equal(src.poster.signups, 1);
    assert.equal(src.stream.signups, 0);
    // The stats panel shows it.
    await producer.locator('#ed-close').click();
    await producer.locator('#by-source tr[data-source="poster"] .s-signups').filter({ hasText: /^1$/ }).waitFor(ARRIVES);
    await shot(producer, 'poster-stats-by-source');
    assert.deepEqual(viewer.problems, []);
    assert.deepEqual(producer.problems, []);
  });
});
