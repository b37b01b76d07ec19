// The viewer's ways in, in a phone-sized Chromium against the real jobcast: typing a posting's
// code (岗位码) at /j instead of scanning, and an unknown code. Screenshots under
// build/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withShow, shot, PHONE, postingIdOf } from './lib.mjs';

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
