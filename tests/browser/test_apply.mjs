// The viewer's apply page in a real browser on a phone-sized screen: with JavaScript (checks as
// you type, sends JSON, confirms in place) and without (plain form POST and the thanks page);
// the producer's page shows each new sign-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withShow, producerPage, shot, postingIdOf, rpc, PHONE } from './lib.mjs';

// Generous: a functional deadline for "shows up by itself", not a speed claim.
const ARRIVES = { timeout: 10000 };

async function viewerPage(browser, show, { js = true } = {}) {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
  page.on('dialog', (d) => { page.problems.push('dialog'); d.dismiss().catch(() => {}); });
  page.requests = [];
  page.on('request', (r) => page.requests.push(r.method() + ' ' + r.url()));
  await page.goto(show.applyUrl);
  return page;
}

async function fill(page, name, phone) {
  await page.locator('#name').fill(name);
  await page.locator('#phone').fill(phone);
  await page.locator('#consent').check();
}

test('/browser/apply/phone-submit-with-js-confirms-and-producer-sees-it', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const viewer = await viewerPage(browser, show);
    await shot(viewer, 'apply-phone');
    await fill(viewer, '张三', '138 0013 8000');
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.locator('#done').filter({ hasText: '报名成功' }).waitFor();
    assert.match(await viewer.locator('#done').textContent(), /一个工作日内/);
    assert.equal(await viewer.locator('form[action="/api/apply"]').isVisible(), false);
    assert.ok(viewer.requests.some((r) => r.startsWith('POST ') && r.endsWith('/api/apply')));
    assert.equal(new URL(viewer.url()).pathname, new URL(show.applyUrl).pathname); // in place
    await shot(viewer, 'apply-done-phone');
    await producer.locator('#signups .signup-name').filter({ hasText: '张三' }).waitFor(ARRIVES);
    assert.equal(await producer.locator('#signups .signup-phone').first().textContent(), '138****8000');
    await producer.locator('#pgm-info .info-count').filter({ hasText: '已有 1 人报名' }).waitFor(ARRIVES);
    assert.deepEqual(viewer.problems, []);
    assert.deepEqual(producer.problems, []);
  });
});

test('/browser/apply/phone-submit-without-js-confirms-and-producer-sees-it', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const viewer = await viewerPage(browser, show, { js: false });
    await fill(viewer, '李四', '+86 139-0000-1111');
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.waitForURL(/\/a\/\d+\/thanks\?t=[0-9A-Z]{12}$/);
    assert.equal(await viewer.locator('h1').textContent(), '报名成功');
    await shot(viewer, 'apply-thanks-nojs-phone');
    await producer.locator('#signups .signup-name').filter({ hasText: '李四' }).waitFor(ARRIVES);
    assert.equal(await producer.locator('#signups .signup-phone').first().textContent(), '139****1111');
  });
});

test('/browser/apply/second-submission-looks-like-the-first', async () => {
  await withShow(async ({ show, browser }) => {
    const viewer = await viewerPage(browser, show);
    await fill(viewer, '王五', '13800002222');
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.locator('#done').filter({ hasText: '报名成功' }).waitFor();
    const first = await viewer.locator('#done').textContent();
    // The same phone again, typed differently (full-width digits): the same confirmation, so
    // that nobody can learn from it whether this phone had applied.
    const again = await viewerPage(browser, show);
    await fill(again, '王五', '１３８００００２２２２');
    await again.getByRole('button', { name: '立即报名' }).click();
    await again.locator('#done').filter({ hasText: '报名成功' }).waitFor();
    assert.equal(await again.locator('#done').textContent(), first);
    await shot(again, 'apply-duplicate-phone');
    // And without JavaScript: the same thanks page, under a token that names no sign-up.
    const plain = await viewerPage(browser, show, { js: false });
    await fill(plain, '王五', '138-0000-2222');
    await plain.getByRole('button', { name: '立即报名' }).click();
    await plain.waitForURL(/\/thanks\?t=[0-9A-Z]{12}$/);
    assert.equal(await plain.locator('h1').textContent(), '报名成功');
    assert.deepEqual(again.problems, []);
  });
});

test('/browser/apply/validates-as-you-type', async () => {
  await withShow(async ({ show, browser }) => {
    const viewer = await viewerPage(browser, show);
    const phoneError = viewer.locator('#phone-error');
    // Nothing is reported before the viewer has finished a field.
    await viewer.locator('#phone').pressSequentially('1380');
    assert.equal(await phoneError.textContent(), '');
    await viewer.locator('#name').focus(); // leave the phone field
    await viewer.locator('#phone-error').filter({ hasText: '请填写正确的11位手机号码' }).waitFor();
    assert.equal(await viewer.locator('#phone').getAttribute('aria-invalid'), 'true');
    // Full-width digits, spaces and dashes are fine, as on the server; the message goes at once.
    await viewer.locator('#phone').fill('１３８ ００１３-８０００');
    assert.equal(await phoneError.textContent(), '');
    assert.equal(await viewer.locator('#phone').getAttribute('aria-invalid'), 'false');
    await viewer.locator('#phone').fill('12800138000'); // 12x is not a mobile prefix
    await viewer.locator('#phone-error').filter({ hasText: '11位' }).waitFor();
    await viewer.locator('#phone').fill('13800138000');
    // Sending with an empty name and no consent: both reported, nothing sent.
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.locator('#name-error').filter({ hasText: '请填写姓名' }).waitFor();
    await viewer.locator('#consent-error').filter({ hasText: '请勾选同意' }).waitFor();
    assert.ok(await viewer.locator('#name').evaluate((e) => e === document.activeElement));
    await shot(viewer, 'apply-errors-phone');
    await viewer.locator('#name').fill('   ');
    assert.equal(await viewer.locator('#name-error').textContent(), '请填写姓名（1-40个字）');
    await viewer.locator('#name').fill('赵六');
    assert.equal(await viewer.locator('#name-error').textContent(), '');
    assert.equal(viewer.requests.filter((r) => r.startsWith('POST ')).length, 0);
    await viewer.locator('#consent').check();
    assert.equal(await viewer.locator('#consent-error').textContent(), '');
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.locator('#done').filter({ hasText: '报名成功' }).waitFor();
    assert.deepEqual(viewer.problems, []);
  });
});

test('/browser/apply/server-message-shown-next-to-field', async () => {
  await withShow(async ({ show, browser }) => {
    const viewer = await viewerPage(browser, show);
    // A name the page lets through but the server refuses (a bidi override inside): the
    // server's words appear next to the field.
    await viewer.route('**/api/apply', (route) => route.fulfill({
      status: 400, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid', field: 'name', message: '请填写姓名（服务器）' } }),
    }));
    await fill(viewer, '赵六', '13800138000');
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.locator('#name-error').filter({ hasText: '请填写姓名（服务器）' }).waitFor();
    await viewer.locator('.form-error').filter({ hasText: '请检查' }).waitFor();
    assert.equal(await viewer.locator('form[action="/api/apply"]').isVisible(), true);
    // The network failing: a plain message, and the button works again.
    await viewer.unroute('**/api/apply');
    await viewer.route('**/api/apply', (route) => route.abort());
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.locator('.form-error').filter({ hasText: '网络' }).waitFor();
    assert.equal(await viewer.getByRole('button', { name: '立即报名' }).isEnabled(), true);
  });
});

// A posting archived while a viewer's page was open: the plain form's sign-up is not taken and
// the answer is the page that says the posting closed, with buttons to the postings still open
// (the on-air one among them, not the closed one), which lead to a working apply page.
test('/browser/apply/closed-posting-form-links-open-postings', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const onAir = postingIdOf(show.applyUrl);
    const closing = onAir === 2 ? 3 : 2;
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    const viewer = await context.newPage();
    await viewer.goto(show.base + '/a/' + closing);
    await fill(viewer, '赵六', '13700003333');
    await rpc(producer, 'postings.archive', { posting_id: closing });
    const [answer] = await Promise.all([
      viewer.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/apply')),
      viewer.getByRole('button', { name: '立即报名' }).click(),
    ]);
    assert.equal(answer.status(), 410);
    await viewer.locator('h1').filter({ hasText: '这个岗位已停止报名' }).waitFor();
    assert.match(await viewer.locator('.closed .big').textContent(), /这次报名没有提交/);
    const links = await viewer.locator('.open-postings a').evaluateAll(
      (as) => as.map((a) => new URL(a.href).pathname));
    assert.ok(links.length > 0, 'no open posting linked');
    assert.ok(links.includes('/a/' + onAir), 'the on-air posting is not linked: ' + links);
    assert.ok(!links.includes('/a/' + closing), 'the closed posting is linked');
    await shot(viewer, 'apply-closed-nojs-phone');
    // A button leads to an open posting's form.
    await viewer.locator('.open-postings a[href="/a/' + onAir + '"]').click();
    await viewer.waitForURL(new RegExp('/a/' + onAir + '$'));
    assert.equal(await viewer.getByRole('button', { name: '立即报名' }).isVisible(), true);
    // Nobody signed up: the producer's feed stays empty.
    assert.equal(await producer.locator('#signups .signup-name').count(), 0);
    assert.deepEqual(producer.problems, []);
  });
});
