// The back office in real browsers at a phone's size: the producer makes an employer's desk link
// on the control page, the employer opens it on a phone without JavaScript and marks the
// applicant hired, the viewer's status page (linked from the thanks page) says so with the
// employer's contact, rotation then passes over the filled posting and the funnel shows the
// hire; a revoked link shows nothing. Screenshots of the desk and the status page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { withShow, producerPage, shot, postingIdOf, rpc, PHONE } from './lib.mjs';

const ARRIVES = { timeout: 10000 };

async function phonePage(browser, js) {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
  return page;
}

test('/browser/backoffice/employer-marks-hired-viewer-sees-it', async () => {
  await withShow(async ({ show, browser }) => {
    const producer = await producerPage(browser, show);
    const id = postingIdOf(show.applyUrl);
    const { posting } = await rpc(producer, 'postings.get', { posting_id: id });
    await rpc(producer, 'postings.update', { posting_id: id, version: posting.version, headcount: 1 });
    await rpc(producer, 'employers.update', { employer_id: posting.employer_id,
                                              contact_person: '王经理', contact_phone: '0534-2345678' });

    // A viewer signs up on a phone without JavaScript; the thanks page links the status page.
    const viewer = await phonePage(browser, false);
    await viewer.goto(show.applyUrl);
    await viewer.locator('#name').fill('张三');
    await viewer.locator('#phone').fill('13800138000');
    await viewer.locator('#consent').check();
    await viewer.getByRole('button', { name: '立即报名' }).click();
    await viewer.waitForURL(/\/thanks\?t=/);
    await viewer.locator('#status-link').click();
    await viewer.waitForURL(/\/a\/status\?t=[0-9a-f]{64}$/);
    const statusUrl = viewer.url();
    assert.equal(await viewer.locator('#status').textContent(), '已收到报名');
    assert.doesNotMatch(await viewer.locator('main').textContent(), /0534-2345678/);

    // The producer makes the employer's link in the Employers section and copies it.
    const row = producer.locator('#emp-rows tr.emp-row').filter({ hasText: posting.company });
    await row.locator('button[data-action="links"]').click();
    await producer.locator('#emp-links').waitFor();
    await producer.locator('#emp-link-make').click();
    await producer.locator('#emp-newlink').waitFor();
    const url = await producer.locator('#emp-link-url').inputValue();
    assert.match(url, /\/a\/desk\?t=[A-Za-z0-9_-]{43}$/);
    await producer.locator('#emp-link-rows tr.link-active').waitFor(ARRIVES);

    // The employer opens it on a phone, without JavaScript, and marks the applicant hired.
    const employer = await phonePage(browser, false);
    const res = await employer.goto(url);
    assert.equal(res.status(), 200);
    const applicant = employer.locator('li.applicant').filter({ hasText: '张三' });
    assert.equal(await applicant.locator('a.tel').getAttribute('href'), 'tel:13800138000');
    await shot(employer, 'backoffice-desk-phone');
    await applicant.locator('select[name="status"]').selectOption('hired');
    await applicant.locator('input[name="note"]').fill('下周一上班');
    const [saved] = await Promise.all([
      employer.waitForNavigation(),
      applicant.getByRole('button', { name: '保存' }).click(),
    ]);
    assert.equal(saved.status(), 200, await employer.locator('body').textContent());
    assert.match(employer.url(), /\/a\/desk\?t=/);
    const after = employer.locator('li.applicant.status-hired').filter({ hasText: '张三' });
    await after.waitFor();
    assert.match(await after.textContent(), /已录用/);
    assert.match(await after.textContent(), /下周一上班/);
    await shot(employer, 'backoffice-desk-hired-phone');

    // The viewer's status page says hired, with the employer's contact.
    await viewer.goto(statusUrl);
    assert.equal(await viewer.locator('#status').textContent(), '已录用');
    assert.match(await viewer.locator('.contact').textContent(), /王经理/);
    assert.equal(await viewer.locator('.contact a.tel').getAttribute('href'), 'tel:0534-2345678');
    await shot(viewer, 'backoffice-status-phone');

    // Hires reached the headcount: filled on the control page, the funnel shows the hire...
    await producer.locator('#postings .posting[data-id="' + id + '"] .tag-filled').waitFor(ARRIVES);
    const frow = producer.locator('#funnel tr.funnel-row[data-id="' + id + '"]');
    await frow.locator('.f-hired').filter({ hasText: /^1$/ }).waitFor(ARRIVES);
    assert.equal(await frow.locator('.f-contacted').textContent(), '1');
    // ...and rotation passes over it: rundown [other, id, third], from other the next is third.
    const state = await rpc(producer, 'state.get', {});
    const others = state.postings.map((p) => p.id).filter((x) => x !== id);
    await rpc(producer, 'shows.create', { title: '招聘会' });
    await rpc(producer, 'rundown.set', { posting_ids: [others[0], id, others[1]] });
    await rpc(producer, 'show.take', { posting_id: others[0] });
    await rpc(producer, 'rotation.start', { dwell_s: 5 });
    let onAir = others[0];
    for (let i = 0; i < 100 && onAir === others[0]; i++) {
      await sleep(100);
      onAir = (await rpc(producer, 'state.get', {})).on_air.id;
    }
    assert.equal(onAir, others[1]);
    await rpc(producer, 'rotation.stop', {});
    await shot(producer, 'backoffice-control-funnel');

    // Revoked: the same link now shows nothing.
    await producer.locator('#emp-link-rows tr.link-active button[data-action="revoke"]').click();
    await producer.locator('#emp-link-rows tr.link-revoked').waitFor(ARRIVES);
    const gone = await employer.goto(url);
    assert.equal(gone.status(), 404);
    assert.doesNotMatch(await employer.locator('body').textContent(), /张三|13800138000/);
    assert.deepEqual(viewer.problems, []);
    assert.deepEqual(employer.problems, []);
    assert.deepEqual(producer.problems.filter((p) => !/HTTP 404 .*\/a\/desk/.test(p)), []);
  });
});
