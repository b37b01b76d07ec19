// Shared helpers for the real-browser tests: start the real jobcast binary on a free port with
// a temporary data folder, launch Debian's chromium through playwright-core, save screenshots.
//
// Every test starts its own jobcast and browser and stops both in a finally block, so a test
// can run alone (ctest -R) and a failure never leaks a process into the next test.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  throw new Error('playwright-core is missing: run scripts/setup.sh (it runs npm ci)');
}

export const TOKEN = 'browser-test-token-5f2d8c1e';
const BUILD = process.env.JOBCAST_BUILD_DIR;
if (!BUILD) throw new Error('JOBCAST_BUILD_DIR is not set (run through ctest)');
export const SCREENSHOTS = join(BUILD, 'screenshots');
export const CHROMIUM = process.env.JOBCAST_CHROMIUM || '/usr/bin/chromium';

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
                       hasTouch: true, locale: 'zh-CN' };
export const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' };

// Starts jobcast; resolves once it printed its banner and /healthz answers 200.
export async function startJobcast(extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'jobcast-browser-'));
  const args = ['--listen', '127.0.0.1:0', '--data-dir', dir, '--producer-token', TOKEN,
                '--no-record', ...extra];
  const proc = spawn(join(BUILD, 'jobcast'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const banner = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no banner from jobcast:\n' + out + err)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const login = /Control page: (http:\/\/\S+)/.exec(out);
      const apply = /Apply URL \(on air\): (\S+)/.exec(out);
      if (login && apply) {
        clearTimeout(timer);
        resolve({ login: login[1], apply: apply[1] });
      }
    });
    proc.on('exit', () => reject(new Error('jobcast exited early:\n' + out + err)));
  });
  const base = new URL(banner.login).origin;
  const deadline = Date.now() + 30000;
  for (;;) {
    const ok = await fetch(base + '/healthz').then((r) => r.status === 200, () => false);
    if (ok) break;
    assert.ok(Date.now() < deadline, 'jobcast did not become healthy:\n' + err);
    await sleep(100);
  }
  return {
    base, loginUrl: banner.login, applyUrl: banner.apply, dir,
    stderr: () => err,
    // SIGTERM, then asserts a clean exit (0: under ASan that also means no leak reports).
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 20000);
      const res = await exited;
      clearTimeout(killer);
      if (!process.env.JOBCAST_KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
      assert.equal(res.code, 0, 'jobcast did not exit cleanly (' + JSON.stringify(res) + '):\n' + err);
    },
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

// Debian's chromium, headless, with nothing that reaches the network on its own (without the
// background-networking flags it hangs on a closed network). playwright gives every launch a
// fresh temporary profile (--user-data-dir).
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-dev-shm-usage',
           ...(process.env.JOBCAST_CHROMIUM_ARGS || '').split(' ').filter(Boolean)],
  });
}

// Runs fn({show, browser}) with a fresh jobcast and browser, always stopping both.
export async function withShow(fn, extra = []) {
  const show = await startJobcast(extra);
  let browser = null;
  try {
    browser = await launchBrowser();
    await fn({ show, browser });
  } catch (e) {
    show.kill();
    await show.stop().catch(() => {});
    throw e;
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
  await show.stop();
}

// A producer's page on the control desk, signed in through the printed login link. Collects
// page errors and dialogs so tests can assert none happened.
export async function producerPage(browser, show, layout = DESKTOP) {
  const context = await browser.newContext(layout);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
  page.on('dialog', (d) => { page.problems.push('dialog: ' + d.message()); d.dismiss().catch(() => {}); });
  // Failed loads are reported by URL below; the optional program thumbnail may answer 404.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
      page.problems.push('console: ' + m.text());
  });
  // The editor's live card preview answers 400 for a draft the server refuses (that is how the
  // field's message gets there).
  page.on('response', (r) => {
    if (r.status() >= 400 && !/\/api\/preview\.jpg/.test(r.url()) &&
        !(r.status() === 400 && /\/api\/card\.png/.test(r.url())))
      page.problems.push('HTTP ' + r.status() + ' ' + r.url());
  });
  await page.goto(show.loginUrl);
  assert.equal(new URL(page.url()).pathname, '/control');
  await page.locator('#conn.conn-up').waitFor();
  await page.locator('#postings .posting').first().waitFor();
  return page;
}

export async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'browser-' + name + '.png'), fullPage: true });
}

// The id in an apply URL http://host/a/ID.
export function postingIdOf(url) {
  return Number(/\/a\/(\d+)/.exec(url)[1]);
}

// Opens the host monitor at /host, the address hosts are sent to: no other address stands in
// for it, so a missing route fails the test.
export async function openHost(page, show) {
  const res = await page.goto(show.base + '/host');
  assert.equal(res.status(), 200, 'GET /host answered ' + res.status());
  assert.equal(new URL(page.url()).pathname, '/host');
  return res;
}

// One JSON-RPC call from the producer's page (its session cookie and origin).
export function rpc(page, method, params) {
  return page.evaluate(([m, p]) => new Promise((resolve, reject) => {
    const ws = new WebSocket('ws://' + location.host + '/api/control');
    ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: m, params: p }));
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.id !== 1) return;
      ws.close();
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    };
    ws.onerror = () => reject(new Error('socket error'));
  }), [method, params]);
}
