// The producer's desk beyond takes: password sign-in, the posting editor (server validation,
// live card preview, conflicts), the program thumbnail following a take, rundown reordering,
// graphics and rotation controls, the sign-up chart and funnel, stream health and an expired
// session. Each test starts its own jobcast and browser (lib.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withShow, producerPage, shot, postingIdOf, DESKTOP, PHONE } from './lib.mjs';

const SEED = JSON.parse(readFileSync(new URL('../../data/postings.json', import.meta.url))).postings;
const BUILD = process.env.JOBCAST_BUILD_DIR;

const titles = (page) => page.locator('#postings .posting-title').allTextContents();
const pgmTitle = (page) => page.locator('#pgm-info .info-title');
const pvwTitle = (page) => page.locator('#pvw-info .info-title');

// state.get over the page's own connection: what the server holds, not what the page shows.
const serverState = (page) => page.evaluate(() => window.jobcast.rpc.call('state.get'));

// `jobcast accounts CMD NAME ...` on the show's data folder (stdin: input).
function accounts(show, args, input) {
  const r = spawnSync(join(BUILD, 'jobcast'), ['accounts', ...args, '--data-dir', show.dir],
                      { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('/browser/desk/password-sign-in', async () => {
  await withShow(async ({ show, browser }) => {
    accounts(show, ['add', 'xiaowang', '--role', 'producer']);
    accounts(show, ['passwd', 'xiaowang'], '导播的密码-2026\n');
    for (const [layout, opts] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const context = await browser.newContext(opts);
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      // Without a session the desk sends you to the sign-in form.
      await page.goto(show.base + '/control');
      assert.equal(new URL(page.url()).pathname, '/login');
      await page.locator('input[name="name"]').fill('xiaowang');
      await page.locator('input[name="password"]').fill('wrong password');
      await page.locator('#login button[type="submit"]').click();
      await page.locator('#login-error').filter({ hasText: '账号或密码不对' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
      await shot(page, 'login-' + layout);
      await page.locator('input[name="password"]').fill('导播的密码-2026');
      await page.locator('#login button[type="submit"]').click();
      await page.waitForURL(/\/control$/);
      await page.locator('#conn.conn-up').waitFor();
      await page.locator('#postings .posting').first().waitFor();
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
});

// Opens the editor for a new posting and fills it (fields: name -> value).
async function fillEditor(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const input = page.locator('#ed-form [name="' + name + '"]');
    if (name === 'pay_unit') await input.selectOption(value);
    else await input.fill(String(value));
  }
}

// The program thumbnail as the page shows it (its <img>, drawn on a canvas), as PNG bytes.
async function programThumbnail(page) {
  return page.evaluate(() => {
    const img = document.querySelector('#program img.live');
    if (!img || !img.complete || !img.naturalWidth) return null;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    c.getContext('2d').drawImage(img, 0, 0);
    return { src: img.src, png: c.toDataURL('image/png').split(',')[1] };
  });
}

// The QR codes zbarimg decodes in a PNG ('' when none).
function decodeQr(pngBase64) {
  const dir = mkdtempSync(join(tmpdir(), 'jobcast-qr-'));
  try {
    const file = join(dir, 'thumbnail.png');
    writeFileSync(file, Buffer.from(pngBase64, 'base64'));
    const r = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
    assert.ok(r.error === undefined, 'zbarimg (zbar-tools) could not run: ' + r.error);
    return r.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A frame of the program thumbnail newer than `after` (its URL changes with every refresh),
// with the QR code it shows.
async function nextThumbnailQr(page, after) {
  for (let i = 0; i < 100; i++) {
    const s = await programThumbnail(page);
    if (s && (!after || s.src !== after.src)) {
      return { src: s.src, qr: decodeQr(s.png) };
    }
    await sleep(100);
  }
  throw new Error('the program thumbnail did not refresh');
}

test('/browser/desk/editor-create-cue-take-program-changes', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    await page.locator('#program img.live').waitFor({ timeout: 15000 });

    await page.locator('#new-posting').click();
    await page.locator('#editor[open]').waitFor();
    await fillEditor(page, { title: '冷链仓库分拣员', company: '济南冷链物流有限公司', pay_min: 7000,
                             pay_max: 5000, pay_unit: 'month', headcount: 8, location: '济南市历城区',
                             tags: '包住，夜班补贴', talking_points: '冷库温度零下18度，配发棉服' });
    await page.locator('#ed-save').click();
    // The server's rule, next to the field it names.
    await page.locator('.err[data-for="pay_max"]').filter({ hasText: 'pay_min' }).waitFor();
    assert.equal(await page.locator('#ed-form [name="pay_max"]').getAttribute('aria-invalid'), 'true');
    await shot(page, 'editor-invalid-desktop');
    await page.locator('#ed-form [name="pay_max"]').fill('9000');
    // The live preview: the card drawn by the overlay, for the draft as typed.
    await page.waitForFunction(() => /^data:image\/png/.test(document.getElementById('ed-card').src));
    await page.waitForFunction(() => document.querySelector('.err[data-for="pay_max"]').textContent === '');
    await shot(page, 'editor-desktop');
    await page.locator('#ed-save').click();
    await page.locator('#editor[open]').waitFor({ state: 'detached' }).catch(() => {});
    await page.waitForFunction(() => !document.getElementById('editor').open);
    const row = page.locator('#postings .posting').filter({ hasText: '冷链仓库分拣员' });
    await row.waitFor();
    const created = (await serverState(page)).postings.find((p) => p.title === '冷链仓库分拣员');
    assert.ok(created, 'the server has the new posting');
    assert.equal(created.pay_max, 9000);
    assert.deepEqual(created.tags, ['包住', '夜班补贴']);

    // Cue it: the preview monitor shows its card as drawn by the overlay.
    await row.locator('.posting-info').click();
    await pvwTitle(page).filter({ hasText: '冷链仓库分拣员' }).waitFor();
    await page.locator('#preview img.card-png[data-id="' + created.id + '"]').waitFor();

    // Take it: the program thumbnail (the real encoded output) shows the new card: its QR code
    // decodes to the new posting's apply URL (before the take, to the one on air then).
    const before = await nextThumbnailQr(page, null);
    const want = show.applyUrl.replace(/\/a\/\d+.*$/, '/a/' + created.id);
    assert.equal(before.qr, show.applyUrl, 'the QR code in the program thumbnail before the take');
    await page.locator('#take').click();
    await pgmTitle(page).filter({ hasText: '冷链仓库分拣员' }).waitFor();
    let after = before;
    for (let i = 0; i < 40 && after.qr !== want; i++) after = await nextThumbnailQr(page, after);
    assert.equal(after.qr, want, 'the QR code in the program thumbnail after the take');
    await shot(page, 'control-after-take-desktop');
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/desk/editor-conflict-offers-reload', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const other = await producerPage(browser, show);
    const row = page.locator('#postings .posting').nth(1);
    await row.getByRole('button', { name: '编辑' }).click();
    await page.locator('#editor[open]').waitFor();
    assert.equal(await page.locator('#ed-form [name="title"]').inputValue(), SEED[1].title);
    // Someone else saves first.
    await other.evaluate(async () => {
      const { posting } = await window.jobcast.rpc.call('postings.get', { posting_id: 2 });
      await window.jobcast.rpc.call('postings.update',
                                    { posting_id: 2, version: posting.version, title: '别人改过的标题' });
    });
    await page.locator('#ed-form [name="requirements"]').fill('我的修改');
    await page.locator('#ed-save').click();
    await page.locator('#ed-conflict').waitFor();
    assert.equal(await page.locator('#editor').evaluate((d) => d.open), true);
    await shot(page, 'editor-conflict-desktop');
    await page.locator('#ed-reload').click();
    await page.waitForFunction(() => document.querySelector('#ed-form [name="title"]').value === '别人改过的标题');
    await page.locator('#ed-conflict').waitFor({ state: 'hidden' });
    // Now the save goes through, on the new version.
    await page.locator('#ed-form [name="requirements"]').fill('我的修改');
    await page.locator('#ed-save').click();
    await page.waitForFunction(() => !document.getElementById('editor').open);
    const st = await serverState(page);
    const p = st.postings.find((x) => x.id === 2);
    assert.equal(p.title, '别人改过的标题');
    assert.equal(p.requirements, '我的修改');
    // Archive: it leaves the rundown.
    await page.locator('#postings .posting').nth(1).getByRole('button', { name: '编辑' }).click();
    await page.locator('#ed-archive').click();
    await page.waitForFunction(() => !document.getElementById('editor').open);
    await page.waitForFunction(() => ![...document.querySelectorAll('#postings .posting')].some((li) => li.dataset.id === '2'));
    assert.ok(!(await serverState(page)).postings.some((x) => x.id === 2));
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/desk/rundown-drag-reorder-persists', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const rows = page.locator('#postings .posting');
    // Drag the third row onto the top half of the first: it becomes first.
    await rows.nth(2).locator('.grip').dragTo(rows.nth(0), { targetPosition: { x: 40, y: 3 } });
    const want = [SEED[2].title, SEED[0].title, SEED[1].title, ...SEED.slice(3).map((p) => p.title)];
    await page.waitForFunction((t) => document.querySelector('#postings .posting-title').textContent === t, SEED[2].title);
    assert.deepEqual(await titles(page), want);
    // Keyboard: a focused handle moves its row with the arrows.
    await rows.nth(0).locator('.grip').focus();
    await page.keyboard.press('ArrowDown');
    const want2 = [SEED[0].title, SEED[2].title, ...want.slice(2)];
    await page.waitForFunction((t) => document.querySelector('#postings .posting-title').textContent === t, SEED[0].title);
    assert.deepEqual(await titles(page), want2);
    // Remove one: it goes to the list of postings not in the rundown, and can come back.
    await rows.nth(3).getByRole('button', { name: '移出' }).click();
    await page.locator('#library .lib-item').filter({ hasText: SEED[3].title }).waitFor({ state: 'attached' });
    await shot(page, 'control-rundown-desktop');
    // The server has it: a reload shows the same order.
    await sleep(300);
    await page.reload();
    await page.locator('#conn.conn-up').waitFor();
    await page.locator('#postings .posting').first().waitFor();
    const want3 = want2.filter((x) => x !== SEED[3].title);
    await page.waitForFunction((n) => document.querySelectorAll('#postings .posting').length === n, want3.length);
    assert.deepEqual(await titles(page), want3);
    assert.deepEqual((await serverState(page)).rundown.slice(0, 3), [1, 3, 2]);
    await page.locator('#library-box summary').click();
    await page.locator('#library .lib-item').filter({ hasText: SEED[3].title }).getByRole('button', { name: '加入节目单' }).click();
    await page.waitForFunction((t) => [...document.querySelectorAll('#postings .posting-title')].pop().textContent === t, SEED[3].title);
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/desk/controls-reach-server', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    await page.locator('#rot-dwell').fill('7');
    await page.locator('#rot-toggle').click();
    await page.locator('#rot-state').filter({ hasText: '7' }).waitFor();
    await page.locator('#rot-pin').check();
    await page.locator('#g-ticker').fill('今晚还有 12 个岗位 · 扫码报名');
    await page.locator('#f-ticker button').click();
    await page.locator('#g-lt-name').fill('主播 小王');
    await page.locator('#g-lt-title').fill('德州市公益零工市场');
    await page.locator('#f-lower button').click();
    await page.locator('#g-brand').fill('德州零工直播间');
    await page.locator('#f-brand button').click();
    await page.locator('#g-slate').fill('休息十分钟');
    await page.locator('#slate-toggle').click();
    await page.locator('#slate-toggle.is-active').waitFor();
    await page.locator('#f-layout input[value="9:16"]').check();
    await page.waitForFunction(async () => {
      const s = await window.jobcast.rpc.call('state.get');
      return s.graphics.layout === '9:16' && s.graphics.slate.on && s.rotation.pinned;
    });
    const s = await serverState(page);
    assert.deepEqual(s.rotation, { on: true, dwell_s: 7, pinned: true });
    assert.equal(s.graphics.ticker, '今晚还有 12 个岗位 · 扫码报名');
    assert.deepEqual(s.graphics.lower_third, { name: '主播 小王', title: '德州市公益零工市场' });
    assert.equal(s.graphics.brand, '德州零工直播间');
    assert.deepEqual(s.graphics.slate, { on: true, text: '休息十分钟' });
    await shot(page, 'control-graphics-desktop');
    // The preview monitor follows the layout: a portrait card (the image is reloaded after the
    // layout change reaches the page, and the program is rebuilt meanwhile: wait for it).
    await page.waitForFunction(() => {
      const img = document.querySelector('#preview img.card-png');
      return img && img.complete && img.naturalHeight > img.naturalWidth;
    }, null, { timeout: 20000 });
    await page.locator('#rot-toggle').click();
    await page.locator('#rot-state').filter({ hasText: '轮播已停止' }).waitFor();
    assert.equal((await serverState(page)).rotation.on, false);
    assert.deepEqual(page.problems, []);
  });
});

test('/browser/desk/chart-and-funnel-after-signups', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const id = postingIdOf(show.applyUrl);
    // Three viewers (page opens count once per address and posting an hour): behind the
    // trusted proxy, each is its X-Forwarded-For.
    for (let i = 0; i < 3; i++) {
      await fetch(show.base + '/a/' + id, { headers: { 'x-forwarded-for': '10.6.0.' + (i + 1) } })
        .then((r) => r.text());
    }
    for (let i = 0; i < 2; i++) {
      const r = await fetch(show.base + '/api/apply', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ posting_id: id, name: '测试' + i, phone: '1380000100' + i, consent: true }),
      });
      assert.equal(r.status, 201);
    }
    // The chart has a bar for this minute with both sign-ups.
    await page.waitForFunction(() => [...document.querySelectorAll('#chart rect.bar-now')]
      .some((r) => Number(r.getAttribute('height')) > 0 && /: 2$/.test(r.textContent)));
    // The funnel row: 3 opens, 2 submits, 2 sign-ups.
    const row = page.locator('#funnel tr.funnel-row[data-id="' + id + '"]');
    await row.locator('.f-opens').filter({ hasText: /^3$/ }).waitFor({ timeout: 10000 });
    assert.equal(await row.locator('.f-submits').textContent(), '2');
    assert.equal(await row.locator('.f-signups').textContent(), '2');
    // The export link of that employer downloads its CSV.
    const company = SEED[id - 1].company;
    const link = page.locator('#exports a').filter({ hasText: company });
    const href = await link.getAttribute('href');
    const csv = await page.evaluate((u) => fetch(u).then((r) => r.text()), href);
    assert.match(csv, /测试0/);
    await shot(page, 'control-signups-desktop');
    assert.deepEqual(page.problems, []);
  }, ['--trusted-proxy', '127.0.0.1']);
});

test('/browser/desk/health-shows-outputs', async () => {
  // Port 9 (discard) refuses: the output keeps reconnecting, with its countdown.
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const out = page.locator('#outputs .output');
    await out.first().waitFor({ timeout: 20000 });
    assert.match(await out.first().locator('.output-name').textContent(), /^rtmp:\/\/127\.0\.0\.1:9\//);
    assert.doesNotMatch(await page.locator('#health').textContent(), /secret-stream-key/);
    await out.first().locator('.output-state').filter({ hasText: /重连中|连接中|失败/ }).waitFor({ timeout: 20000 });
    await page.locator('#health-summary .h-uptime').waitFor();
    assert.equal(await page.locator('#outputs-empty').isHidden(), true);
    await shot(page, 'control-health-desktop');
    assert.deepEqual(page.problems, []);
  }, ['--output', 'rtmp://127.0.0.1:9/live/secret-stream-key']);
});

test('/browser/desk/expired-session-goes-to-sign-in', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    // The session ends (as after a restart); the socket drops and cannot come back.
    await page.context().clearCookies();
    await page.evaluate(() => window.jobcast.rpc.ws.close());
    await page.locator('#expired').waitFor({ timeout: 15000 });
    await shot(page, 'control-expired-desktop');
    await page.waitForURL(/\/login$/, { timeout: 15000 });
    await page.locator('#login input[name="name"]').waitFor();
  });
});

// The editor's company field offers the employers on record; a posting saved with one of them
// refers to that record (no second employer of the same name), a new name makes one, and the
// list follows another producer's new employer live.
test('/browser/desk/editor-offers-employers', async () => {
  await withShow(async ({ show, browser }) => {
    const page = await producerPage(browser, show);
    const options = () => page.locator('#employer-names option').evaluateAll((os) => os.map((o) => o.value));
    const companies = [...new Set(SEED.map((p) => p.company))];
    await page.waitForFunction((n) => document.querySelectorAll('#employer-names option').length === n,
                               companies.length);
    assert.deepEqual((await options()).slice().sort(), companies.slice().sort());
    const employers = () => page.evaluate(() => window.jobcast.rpc.call('employers.list'));
    const before = (await employers()).employers;

    await page.locator('#new-posting').click();
    await page.locator('#editor[open]').waitFor();
    await fillEditor(page, { title: '小区保洁员', company: SEED[0].company, pay_min: 3000,
                             pay_max: 3600, pay_unit: 'month', headcount: 2 });
    await shot(page, 'editor-employer-picked-desktop');
    await page.locator('#ed-save').click();
    await page.waitForFunction(() => !document.getElementById('editor').open);
    const created = (await serverState(page)).postings.find((p) => p.title === '小区保洁员');
    const picked = before.find((e) => e.name === SEED[0].company);
    assert.equal(created.employer_id, picked.id, 'the posting refers to the employer picked');
    assert.equal((await employers()).employers.length, before.length, 'no employer was added');

    await page.locator('#new-posting').click();
    await page.locator('#editor[open]').waitFor();
    await fillEditor(page, { title: '果园采摘工', company: '蒙阴县百果园合作社', pay_min: 150,
                             pay_max: 180, pay_unit: 'day', headcount: 20 });
    await page.locator('#ed-save').click();
    await page.waitForFunction(() => !document.getElementById('editor').open);
    await page.waitForFunction(() => [...document.querySelectorAll('#employer-names option')]
      .some((o) => o.value === '蒙阴县百果园合作社'));
    assert.equal((await employers()).employers.length, before.length + 1, 'a new name made an employer');

    // The Employers section: its row, and the contact set in place.
    const row = page.locator('#emp-rows tr').filter({ hasText: '蒙阴县百果园合作社' });
    await row.waitFor();
    await row.locator('button[data-action="edit"]').click();
    await page.locator('#emp-person').fill('王主任');
    await page.locator('#emp-phone').fill('0539-4270001');
    await page.locator('#emp-submit').click();
    await row.locator('.emp-phone').filter({ hasText: '0539-4270001' }).waitFor();
    const saved = (await employers()).employers.find((e) => e.name === '蒙阴县百果园合作社');
    assert.equal(saved.contact_person, '王主任');
    assert.equal(saved.contact_phone, '0539-4270001');
    assert.equal(await row.locator('.emp-export').getAttribute('href'), '/api/export.csv?employer_id=' + saved.id);
    // A phone the server refuses: its message under the form, nothing changed.
    await row.locator('button[data-action="edit"]').click();
    await page.locator('#emp-phone').fill('call me');
    await page.locator('#emp-submit').click();
    await page.locator('#emp-error').filter({ hasText: 'contact_phone' }).waitFor();
    assert.equal((await employers()).employers.find((e) => e.id === saved.id).contact_phone, '0539-4270001');
    await page.locator('#employers-panel').scrollIntoViewIfNeeded();
    await shot(page, 'employers-section-desktop');
  });
});
