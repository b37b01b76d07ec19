// Every page in both layouts (phone 390x844, desktop 1280x800) loads without a script error, a
// CSP violation or a failed request; screenshots under $JOBCAST_BUILD_DIR/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withShow, producerPage, shot, openHost, PHONE, DESKTOP } from './lib.mjs';

test('/browser/pages/every-page-both-layouts', async () => {
  await withShow(async ({ show, browser }) => {
    for (const [layout, opts] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      const producer = await producerPage(browser, show, opts);
      await shot(producer, 'page-control-' + layout);
      // The posting editor with its card preview (drawn by the overlay) over the desk.
      await producer.locator('#postings .posting').nth(2).getByRole('button', { name: '编辑' }).click();
      await producer.waitForFunction(() => /^data:image\/png/.test(document.getElementById('ed-card').src));
      await shot(producer, 'page-editor-' + layout);
      await producer.locator('#ed-close').click();
      const pages = [
        ['apply', show.applyUrl],
        ['apply-markup', show.base + '/a/15'],
        ['thanks', show.base + '/a/1/thanks?t=0123456789abcdef0123456789abcdef'],
        ['not-found', show.base + '/a/999'],
        ['login-needed', show.base + '/login?token=wrong'],
        ['login', show.base + '/login'],
        ['host', show.base + '/host'],
      ];
      for (const [name, url] of pages) {
        const page = await producer.context().newPage();
        const problems = [];
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
        page.on('dialog', (d) => { problems.push('dialog'); d.dismiss().catch(() => {}); });
        const res = name === 'host' ? await openHost(page, show) : await page.goto(url);
        const expect = name === 'not-found' ? 404 : name === 'login-needed' ? 401 : 200;
        assert.equal(res.status(), expect, name);
        await page.waitForLoadState('load');
        if (name === 'host') await page.locator('#conn.conn-up').waitFor();
        await shot(page, 'page-' + name + '-' + layout);
        const real = problems.filter((p) => !(expect !== 200 && /Failed to load resource/.test(p)));
        assert.deepEqual(real, [], name + ' ' + layout);
        await page.close();
      }
      assert.deepEqual(producer.problems, []);
    }
  });
});
