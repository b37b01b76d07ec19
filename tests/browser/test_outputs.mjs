// The control page's Outputs section against the real jobcast and a real nginx-rtmp on
// loopback: a producer adds an output from the page and sees it connect (state, bit rate), the
// stream key never on the page; a bad URL is refused with the server's message next to the form;
// disable and remove take effect on the page and on air.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withShow, producerPage, shot } from './lib.mjs';

const MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const KEY = 'page-sekrit-key-2718';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// nginx-rtmp on 127.0.0.1:rtmp (application "live"), statistics at http://127.0.0.1:http/stat.
async function startNginx() {
  assert.ok(existsSync(MODULE), 'nginx with libnginx-mod-rtmp is needed: ' + MODULE);
  const dir = mkdtempSync(join(tmpdir(), 'jobcast-nginx-'));
  const rtmp = await freePort();
  const http = await freePort();
  writeFileSync(join(dir, 'nginx.conf'),
    `load_module ${MODULE};\ndaemon off;\nmaster_process off;\npid ${dir}/nginx.pid;\n` +
    `error_log ${dir}/error.log;\nevents { worker_connections 64; }\n` +
    `rtmp { server { listen 127.0.0.1:${rtmp}; application live { live on; } } }\n` +
    `http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir};\n` +
    `  fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};\n` +
    `  server { listen 127.0.0.1:${http}; location /stat { rtmp_stat all; } } }\n`);
  const proc = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const stat = 'http://127.0.0.1:' + http + '/stat';
  for (let i = 0; ; i++) {
    if (await fetch(stat).then((r) => r.ok, () => false)) break;
    assert.ok(i < 100, 'nginx did not start');
    await sleep(50);
  }
  return {
    rtmp,
    async publishing(name) {
      const xml = await fetch(stat).then((r) => r.text());
      const at = xml.indexOf('<name>' + name + '</name>');
      if (at < 0) return false;
      const end = xml.indexOf('</stream>', at);
      const pub = xml.indexOf('<publishing/>', at);
      return pub >= 0 && (end < 0 || pub < end);
    },
    stop() {
      proc.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function until(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    assert.ok(Date.now() < deadline, 'timed out waiting for ' + what);
    await sleep(200);
  }
}

test('/browser/desk/outputs-add-from-page-connects', async () => {
  const nginx = await startNginx();
  try {
    await withShow(async ({ show, browser }) => {
      const page = await producerPage(browser, show);
      const panel = page.locator('#outputs-panel');
      await panel.locator('#out-empty').waitFor();
      // A bad URL: the server's message, nothing added.
      await page.fill('#out-name', 'douyin');
      await page.fill('#out-uri', 'gopher://example.com/x');
      await page.click('#out-submit');
      await panel.locator('#out-error').filter({ hasText: /uri: .*unsupported scheme/ }).waitFor();
      assert.equal(await panel.locator('tr.out-row').count(), 0);
      // The real one connects.
      await page.fill('#out-uri', `rtmp://127.0.0.1:${nginx.rtmp}/live/${KEY}`);
      await page.click('#out-submit');
      const row = panel.locator('tr.out-row[data-name="douyin"]');
      await row.waitFor();
      assert.equal(await panel.locator('#out-error').isHidden(), true);
      assert.equal(await row.locator('.out-uri').textContent(), `rtmp://127.0.0.1:${nginx.rtmp}/live/***`);
      await row.locator('.out-state').filter({ hasText: '推流中' }).waitFor({ timeout: 20000 });
      await row.locator('.out-kbps').filter({ hasText: /\d+ kbps/ }).waitFor({ timeout: 10000 });
      await row.locator('.out-uptime').filter({ hasText: /\d:\d\d/ }).waitFor({ timeout: 10000 });
      await until(() => nginx.publishing(KEY), 10000, 'nginx to see the stream');
      assert.doesNotMatch(await page.content(), new RegExp(KEY));
      await shot(page, 'control-outputs-live-desktop');
      // Disabled: off air, shown as such.
      await row.locator('button[data-action="disable"]').click();
      await row.locator('.out-state').filter({ hasText: '已停用' }).waitFor();
      await until(async () => !(await nginx.publishing(KEY)), 10000, 'the stream to end');
      await row.locator('button[data-action="enable"]').click();
      await row.locator('.out-state').filter({ hasText: '推流中' }).waitFor({ timeout: 20000 });
      // Removed (a second click confirms): gone from the page and from the server.
      await row.locator('button[data-action="arm"]').click();
      await row.locator('button[data-action="remove"]').click();
      await panel.locator('#out-empty').waitFor();
      await until(async () => !(await nginx.publishing(KEY)), 10000, 'the stream to end');
      await shot(page, 'control-outputs-removed-desktop');
      assert.doesNotMatch(show.stderr(), new RegExp(KEY));
      assert.deepEqual(page.problems, []);
    });
  } finally {
    nginx.stop();
  }
});
