// /overlay in Chromium, as an OBS browser source loads it: 1920x1080, an overlay account's token
// in the address, a transparent background. A take over the protocol must put the new card's
// pixels where the program has them: the page's screenshot is compared with the card as the
// overlay's own card code draws it (/api/card.png, a full transparent frame).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { withShow, producerPage, postingIdOf, rpc, SCREENSHOTS, TOKEN } from './lib.mjs';

const OBS = { viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' };

// Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what cairo and Chromium write) into RGBA.
function decodePng(buf) {
  assert.equal(buf.toString('latin1', 1, 4), 'PNG');
  let pos = 8;
  let width = 0, height = 0, type = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const kind = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      type = data[9];
      assert.ok(type === 6 || type === 2, 'colour type ' + type);
      assert.equal(data[12], 0, 'interlace');
    } else if (kind === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const bpp = type === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let add = 0;
      if (f === 1) add = a;
      else if (f === 2) add = b;
      else if (f === 3) add = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = (line[i] + add) & 255;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = line[x * bpp];
      out[o + 1] = line[x * bpp + 1];
      out[o + 2] = line[x * bpp + 2];
      out[o + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width, height, data: out };
}

// Pixel i of a and b in the same opaque colour (each channel within 8).
function samePixel(a, b, i) {
  if (a.data[i + 3] !== 255 || b.data[i + 3] !== 255) return false;
  for (let c = 0; c < 3; c++) if (Math.abs(a.data[i + c] - b.data[i + c]) > 8) return false;
  return true;
}

// Of the pixels the card covers fully in `card` (alpha 255), the share the screenshot shows in
// the same colour, and how many there are; `other` (another card) given, only the pixels where
// the two cards differ count: the words, the pay, the QR code.
function sameCard(shotImg, card, other) {
  assert.equal(shotImg.width, card.width);
  assert.equal(shotImg.height, card.height);
  let opaque = 0, same = 0;
  for (let i = 0; i < card.data.length; i += 4) {
    if (card.data[i + 3] !== 255 || (other && samePixel(card, other, i))) continue;
    opaque++;
    if (samePixel(shotImg, card, i)) same++;
  }
  return { opaque, share: opaque > 0 ? same / opaque : 0 };
}

async function cardPng(show, id) {
  const res = await fetch(show.base + '/api/card.png?posting_id=' + id,
                          { headers: { Authorization: 'Bearer ' + TOKEN } });
  assert.equal(res.status, 200);
  return decodePng(Buffer.from(await res.arrayBuffer()));
}

function overlayToken(show) {
  const r = spawnSync(join(process.env.JOBCAST_BUILD_DIR, 'jobcast'),
                      ['accounts', 'add', 'obs', '--role', 'overlay', '--data-dir', show.dir],
                      { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').pop();
}

// Waits until the page shows what the server has on air (the same layer ids) and that differs
// from `not`; returns those ids.
async function settled(page, show, token, not) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const list = await (await fetch(show.base + '/api/overlay/layers',
                                    { headers: { Authorization: 'Bearer ' + token } })).json();
    const ids = list.layers.map((l) => l.id).join(',');
    const shown = await page.evaluate(() => document.getElementById('stage').dataset.layers);
    if (ids !== '' && ids !== not && shown === ids) return ids;
    assert.ok(Date.now() < deadline, 'the page shows ' + shown + ', the server has ' + ids);
    await sleep(100);
  }
}

test('/browser/overlay/take-shows-new-card-pixels', async () => {
  await withShow(async ({ show, browser }) => {
    const token = overlayToken(show);
    const obs = await (await browser.newContext(OBS)).newPage();
    const problems = [];
    obs.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
    // A layer replaced between its listing and its fetch answers 404 (the page lists again), a
    // burst of encodings 503: anything else is a fault.
    obs.on('response', (r) => {
      const retried = /\/api\/overlay\/layer\.png/.test(r.url()) && [404, 503].includes(r.status());
      if (r.status() >= 400 && !retried) problems.push(r.status() + ' ' + r.url());
    });
    const res = await obs.goto(show.base + '/overlay?token=' + encodeURIComponent(token));
    assert.equal(res.status(), 200);
    await settled(obs, show, token, '');
    const before = postingIdOf(show.applyUrl);

    // Everything the renderer draws around the card, for the README's picture too.
    const producer = await producerPage(browser, show);
    await rpc(producer, 'graphics.ticker', { text: '家政保洁员 35-45 元/时 · 电子厂普工 4500-6000 元/月 · 外卖骑手 日结' });
    await rpc(producer, 'graphics.brand', { text: '河东零工直播间' });
    await rpc(producer, 'graphics.lower_third', { name: '李主播', title: '河东区零工市场' });
    await sleep(1000);
    const first = await settled(obs, show, token, '');
    const next = before === 3 ? 4 : 3;
    await rpc(producer, 'show.take', { posting_id: next });
    await settled(obs, show, token, first);
    // The renderer may publish the take a little after a graphics change the page already
    // shows: the page is judged by what it shows once the server's list settled on the take.
    const newCard = await cardPng(show, next);
    const oldCard = await cardPng(show, before);
    let png, shotImg, now, diff, old;
    const deadline = Date.now() + 20000;
    do {
      await sleep(300);
      await settled(obs, show, token, first);
      png = await obs.screenshot({ omitBackground: true });
      shotImg = decodePng(png);
      now = sameCard(shotImg, newCard);
      diff = sameCard(shotImg, newCard, oldCard);
      old = sameCard(shotImg, oldCard, newCard);
    } while (diff.share < 0.99 && Date.now() < deadline);
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'browser-overlay-1920x1080.png'), png);
    assert.equal(shotImg.width, 1920);
    assert.equal(shotImg.height, 1080);
    console.log('new card: %d px, %s same; where the cards differ (%d px): new %s, old %s',
                now.opaque, now.share.toFixed(4), diff.opaque, diff.share.toFixed(4),
                old.share.toFixed(4));
    assert.ok(now.opaque > 20000, 'the card covers ' + now.opaque + ' px');
    assert.ok(now.share >= 0.99, 'the new card is on the page (' + now.share + ')');
    assert.ok(diff.opaque > 1000, 'the cards differ in ' + diff.opaque + ' px');
    assert.ok(diff.share >= 0.99, 'the new card\'s own pixels are there (' + diff.share + ')');
    assert.ok(old.share < 0.2, 'the old card is gone (' + old.share + ')');

    // Transparent everywhere the program draws no layer.
    const list = await (await fetch(show.base + '/api/overlay/layers',
                                    { headers: { Authorization: 'Bearer ' + token } })).json();
    const inside = (x, y) => list.layers.some((l) => {
      const r = l.scroll || l;
      return x >= r.x && y >= r.y && x < r.x + r.width && y < r.y + r.height;
    });
    let outside = 0, clear = 0;
    for (let y = 0; y < 1080; y += 4) {
      for (let x = 0; x < 1920; x += 4) {
        if (inside(x, y)) continue;
        outside++;
        if (shotImg.data[(y * 1920 + x) * 4 + 3] === 0) clear++;
      }
    }
    assert.ok(outside > 50000, 'most of the frame has no layer (' + outside + ')');
    assert.equal(clear, outside, 'alpha 0 outside the layers');

    // The ticker's strip scrolls in the page (the renderer draws it once).
    const strip = list.layers.find((l) => l.scroll);
    assert.ok(strip, 'a ticker strip is listed with its scroll');
    const band = strip.scroll;
    const later = decodePng(await obs.screenshot({ omitBackground: true }));
    let moved = 0;
    for (let y = band.y; y < band.y + band.height; y += 2) {
      for (let x = band.x; x < band.x + band.width; x += 2) {
        const i = (y * 1920 + x) * 4;
        if (!samePixel(shotImg, later, i)) moved++;
      }
    }
    assert.ok(moved > 100, 'the ticker moved (' + moved + ' samples changed)');
    assert.deepEqual(problems, []);
  }, ['--profile', '1080p30']);
});
