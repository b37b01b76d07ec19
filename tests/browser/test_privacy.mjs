// Personal data in a real browser: the apply page's notice (purpose, employer, retention,
// operator), a viewer withdrawing their own sign-up without JavaScript (thanks page -> confirm
// -> withdrawn, and the producer's count going back down), a duplicate's look-alike page whose
// withdraw link acts on nothing, and the producer page showing the retention setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withShow, producerPage, shot, PHONE } from './lib.mjs';

const ARRIVES = { timeout: 10000 };
const OPERATOR = ['--operator-name', '德州市公共就业服务中心', '--operator-contact', '0534-1234567'];

async function viewerPage(browser, show, { js = false } = {}) {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
  await page.goto(show.applyUrl);
  return page;
}

async function signUp(page, name, phone) {
  await page.locator('#name').fill(name);
  await page.locator('#phone').fill(phone);
  await page.locator('#consent').check();
  await page.getByRole('button', { name: '立即报名' }).click();
}

function counter(producer, n) {
  return producer.locator('#pgm-info .info-count').filter({ hasText: '已有 ' + n + ' 人报名' });
}

test('/browser/privacy/withdraw-without-js', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    // The producer sees how long sign-ups are kept and when they were last purged.
    await producer.locator('#privacy').filter({ hasText: '180' }).waitFor(ARRIVES);
    assert.match(await producer.locator('#privacy').textContent(), /上次清理/);
    const viewer = await viewerPage(browser, show);
    const notice = await viewer.locator('#notice').textContent();
    assert.match(notice, /用途/);
    assert.match(notice, /180 天/);
    assert.match(notice, /德州市公共就业服务中心/);
    assert.match(notice, /0534-1234567/);
    await shot(viewer, 'privacy-notice-phone');
    await signUp(viewer, '张三', '13800138000');
    await viewer.waitForURL(/\/a\/\d+\/thanks\?t=[0-9A-Z]{12}$/);
    await counter(producer, 1).waitFor(ARRIVES);
    const code = await viewer.locator('#withdraw-code').textContent();
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await shot(viewer, 'privacy-thanks-phone');
    await viewer.getByRole('link', { name: /撤回报名/ }).click();
    await viewer.waitForURL(/\/a\/withdraw\?t=[0-9A-Z]{12}$/);
    assert.equal(await viewer.locator('strong.code').textContent(), code);
    await shot(viewer, 'privacy-withdraw-confirm-phone');
    await viewer.getByRole('button', { name: /确认撤回/ }).click();
    await viewer.locator('h1').filter({ hasText: '撤回完成' }).waitFor();
    assert.match(await viewer.locator('main').textContent(), /已经删除/);
    await shot(viewer, 'privacy-withdrawn-phone');
    // Gone everywhere the producer looks: the count (and the counter on air) and the feed.
    await counter(producer, 0).waitFor(ARRIVES);
    assert.equal(await producer.locator('#signups .signup-name').filter({ hasText: '张三' }).count(), 0);
    assert.deepEqual(viewer.problems, []);
    assert.deepEqual(producer.problems, []);
  }, OPERATOR);
});

test('/browser/privacy/duplicate-page-cannot-withdraw', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const first = await viewerPage(browser, show);
    await signUp(first, '王五', '13800002222');
    await first.waitForURL(/\/thanks\?t=/);
    const again = await viewerPage(browser, show);
    await signUp(again, '王五', '138-0000-2222');
    await again.waitForURL(/\/thanks\?t=/);
    await counter(producer, 1).waitFor(ARRIVES);
    // The two pages look the same but for the code (and the status link made from it).
    const mask = (s) => s.replace(/[0-9a-f]{64}|[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}/g, 'CODE');
    assert.equal(mask(await again.locator('main').innerHTML()), mask(await first.locator('main').innerHTML()));
    await shot(again, 'privacy-duplicate-thanks-phone');
    await again.getByRole('link', { name: /撤回报名/ }).click();
    await again.getByRole('button', { name: /确认撤回/ }).click();
    await again.locator('h1').filter({ hasText: '撤回完成' }).waitFor();
    const dupAnswer = await again.locator('main').innerHTML();
    // A code typed by hand that matches nothing: the same answer.
    const guess = await viewerPage(browser, show);
    await guess.goto(show.base + '/a/withdraw');
    await guess.locator('#t').fill('abcd efgh jk01');
    await guess.getByRole('button', { name: '下一步' }).click();
    await guess.getByRole('button', { name: /确认撤回/ }).click();
    await guess.locator('h1').filter({ hasText: '撤回完成' }).waitFor();
    assert.equal(await guess.locator('main').innerHTML(), dupAnswer);
    // The first sign-up is still there.
    await producer.waitForTimeout(500);
    await counter(producer, 1).waitFor(ARRIVES);
    assert.deepEqual(producer.problems, []);
  });
});

test('/browser/privacy/withdraw-offered-with-js', async () => {
  await withShow(async ({ show, browser }) => {
    const viewer = await viewerPage(browser, show, { js: true });
    await signUp(viewer, '赵六', '13900001111');
    await viewer.locator('#done').filter({ hasText: '报名成功' }).waitFor();
    await viewer.locator('#done-withdraw').waitFor();
    assert.match(await viewer.locator('#withdraw-code').textContent(), /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await shot(viewer, 'privacy-done-js-phone');
    await viewer.getByRole('link', { name: /撤回报名/ }).first().click();
    await viewer.waitForURL(/\/a\/withdraw\?t=[0-9A-Z]{12}$/);
    assert.deepEqual(viewer.problems, []);
  });
});

// The SMS gateway the test plays: records every code it is asked to send.
async function startGateway() {
  const codes = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      codes.push(JSON.parse(body).code);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'jobcast-sms-'));
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'browser-sms-secret-0d9e\n');
  return {
    codes,
    args: ['--sms-gateway', `http://127.0.0.1:${server.address().port}/send`,
           '--sms-gateway-secret-file', secret],
    close() { server.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

test('/browser/privacy/sms-code-before-sign-up', async () => {
  const gateway = await startGateway();
  try {
    await withShow(async ({ show, browser }) => {
      const producer = await producerPage(browser, show);
      // With JavaScript on: the page posts as a plain form when codes are on.
      const viewer = await viewerPage(browser, show, { js: true });
      assert.match(await viewer.locator('#notice').textContent(), /短信服务商/);
      await signUp(viewer, '孙七', '13912345678');
      await viewer.locator('#verify-form').waitFor();
      assert.match(await viewer.locator('#verify-phone').textContent(), /139\*\*\*\*5678/);
      assert.equal(gateway.codes.length, 1);
      await shot(viewer, 'sms-code-form-phone');
      // Held until the code: nothing on the producer's count yet.
      await counter(producer, 0).waitFor(ARRIVES);
      const right = gateway.codes[0];
      const wrong = right.slice(0, 5) + (right[5] === '9' ? '0' : String(Number(right[5]) + 1));
      await viewer.locator('#code').fill(wrong);
      await viewer.getByRole('button', { name: '确认报名' }).click();
      await viewer.locator('#code-error').filter({ hasText: '验证码不对' }).waitFor();
      await shot(viewer, 'sms-code-wrong-phone');
      await viewer.locator('#code').fill(right);
      await viewer.getByRole('button', { name: '确认报名' }).click();
      await viewer.waitForURL(/\/a\/\d+\/thanks\?t=[0-9A-Z]{12}$/);
      await counter(producer, 1).waitFor(ARRIVES);
      assert.deepEqual(viewer.problems, []);
      assert.deepEqual(producer.problems, []);
    }, gateway.args);
  } finally {
    gateway.close();
  }
});
