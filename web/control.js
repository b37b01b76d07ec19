// The producer's control page: preview/program like a vision mixer, the rundown with take
// buttons and keyboard shortcuts, live sign-ups with a per-minute chart, and stream health.
//
// Talks JSON-RPC 2.0 over /api/control through JcRpc (rpc.js), which reconnects by itself;
// after every connection the whole state is fetched again (state.get), so a page that missed
// notifications while offline shows the truth again. Invariant: every server or viewer
// supplied string reaches the page through textContent (el()), never as HTML.
'use strict';

(function () {
  const FEED_MAX = 100;
  const CHART_MINUTES = 30;
  const PREVIEW_INTERVAL_MS = 250;

  // ---- language: Chinese first, English on request (remembered in localStorage) ----
  const DICT = {
    zh: {
      title: '导播台', preview: '预监（下一个）', program: '播出中', take: '切换上播',
      keys: '↑↓ 选择 · 1–9 选岗位 · 空格/回车 上播', rundown: '岗位列表',
      signups: '实时报名', perMinute: '每分钟报名数（最近 30 分钟）', perPosting: '各岗位报名数',
      feed: '最新报名', feedEmpty: '还没有新的报名', health: '推流状态',
      connecting: '连接中…', connected: '已连接', offline: '已断开，{0} 秒后重连…',
      resynced: '已重新连接，状态已同步', cue: '预监', takeOne: '上播', onAirNow: '播出中',
      cued: '下一个', nothingCued: '选择下一个岗位', nothing: '没有岗位',
      people: '招 {0} 人', signupsN: '已有 {0} 人报名', total: '报名 {0}',
      takeFailed: '上播失败：{0}', offlineBanner: '与 jobcast 的连接已断开，正在重连…',
      lang: 'EN', minutesAgo: '{0} 分钟前', now: '现在',
    },
    en: {
      title: 'Control desk', preview: 'Preview (next)', program: 'On air', take: 'Take',
      keys: '↑↓ cue · 1–9 slot · Space/Enter take', rundown: 'Rundown',
      signups: 'Sign-ups', perMinute: 'Sign-ups per minute (last 30 min)',
      perPosting: 'Per posting', feed: 'Latest', feedEmpty: 'No sign-ups yet',
      health: 'Stream health', connecting: 'Connecting…', connected: 'Connected',
      offline: 'Offline, retrying in {0} s…', resynced: 'Reconnected, state resynchronised',
      cue: 'Cue', takeOne: 'Take', onAirNow: 'On air', cued: 'Next',
      nothingCued: 'Cue the next posting', nothing: 'No postings', people: '{0} wanted',
      signupsN: '{0} signed up', total: '{0} sign-ups', takeFailed: 'Take failed: {0}',
      offlineBanner: 'Connection to jobcast lost, reconnecting…', lang: '中文',
      minutesAgo: '{0} min ago', now: 'now',
    },
  };

  const S = {
    lang: 'zh',
    rpc: null,
    postings: [],
    onAir: null,
    onAirSince: Date.now(),
    cuedId: null,
    feed: [], // {at, name, phone, postingId}
    perMinute: new Map(), // minute number -> count
    everConnected: false,
    offlineSeconds: 0,
    previewLive: false,
    cuesInFlight: 0, // show.cue requests sent and not yet answered
  };

  function t(key) {
    let s = (DICT[S.lang] && DICT[S.lang][key]) || DICT.zh[key] || key;
    for (let i = 1; i < arguments.length; i++) s = s.replace('{' + (i - 1) + '}', arguments[i]);
    return s;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function $(id) {
    return document.getElementById(id);
  }

  function applyLang() {
    document.documentElement.lang = S.lang === 'zh' ? 'zh-CN' : 'en';
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    $('lang').textContent = t('lang');
    $('lang').lang = S.lang === 'zh' ? 'en' : 'zh-CN';
    renderConn();
    renderAll();
  }

  // ---- connection status ----
  function renderConn() {
    const c = $('conn');
    const up = S.rpc && S.rpc.connected;
    c.className = 'conn ' + (up ? 'conn-up' : 'conn-down');
    if (up) c.textContent = t('connected');
    else if (S.everConnected) c.textContent = t('offline', S.offlineSeconds);
    else c.textContent = t('connecting');
    document.body.classList.toggle('is-offline', !up && S.everConnected);
    document.body.dataset.offlineText = t('offlineBanner');
  }

  let toastTimer = 0;
  function toast(text, bad) {
    const box = $('toast');
    box.textContent = text;
    box.className = 'toast' + (bad ? ' toast-bad' : '');
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 3000);
  }

  // ---- data helpers ----
  function byId(id) {
    return S.postings.find((p) => p.id === id) || null;
  }

  function cued() {
    return S.cuedId !== null ? byId(S.cuedId) : null;
  }

  function upsertPosting(p) {
    const i = S.postings.findIndex((x) => x.id === p.id);
    if (i >= 0) S.postings[i] = p;
    else S.postings.push(p);
  }

  function totalSignups() {
    return S.postings.reduce((n, p) => n + (p.signups || 0), 0);
  }

  // The posting after the one on air in the rundown (wrapping), what a producer usually cues.
  function nextAfter(id) {
    if (!S.postings.length) return null;
    const i = S.postings.findIndex((p) => p.id === id);
    return S.postings[(i + 1) % S.postings.length];
  }

  function fmtDuration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const mm = String(Math.floor(s / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    return s >= 3600 ? Math.floor(s / 3600) + ':' + mm.slice(-2) + ':' + ss : mm + ':' + ss;
  }

  // ---- rendering ----
  // A job card like the one on screen (title, company, pay, place, tags, count).
  function card(p, kind) {
    const c = el('div', 'card card-' + kind);
    if (!p) {
      c.classList.add('card-empty');
      c.append(el('div', 'card-hint', kind === 'pvw' ? t('nothingCued') : t('nothing')));
      return c;
    }
    c.dataset.id = String(p.id);
    c.append(el('div', 'card-title', p.title), el('div', 'card-company', p.company),
             el('div', 'card-pay', p.pay_text));
    const meta = [p.location, t('people', p.headcount)].filter(Boolean).join(' · ');
    c.append(el('div', 'card-meta', meta));
    if (Array.isArray(p.tags) && p.tags.length) {
      const tags = el('div', 'card-tags');
      for (const tag of p.tags) tags.append(el('span', 'chip', tag));
      c.append(tags);
    }
    c.append(el('div', 'card-count', t('signupsN', p.signups || 0)));
    return c;
  }

  // The name line under a monitor: what is on that bus, whatever the screen shows.
  function busInfo(box, p) {
    box.replaceChildren();
    if (!p) return;
    box.append(el('span', 'info-title', p.title), el('span', 'info-pay', p.pay_text),
               el('span', 'info-count', t('signupsN', p.signups || 0)));
  }

  function renderMonitors() {
    $('preview').replaceChildren(card(cued(), 'pvw'));
    busInfo($('pvw-info'), cued());
    busInfo($('pgm-info'), S.onAir);
    const pgm = $('program');
    if (S.previewLive) {
      // The real program output (a live thumbnail); the card is what is drawn on it anyway.
      if (!pgm.querySelector('img.live')) pgm.replaceChildren(startPreviewImage());
    } else {
      pgm.replaceChildren(card(S.onAir, 'pgm'));
    }
    const take = $('take');
    take.disabled = !cued() || (S.onAir && S.onAir.id === S.cuedId) || !(S.rpc && S.rpc.connected);
  }

  function renderPostings() {
    const list = $('postings');
    list.replaceChildren();
    S.postings.forEach((p, i) => {
      const onAir = S.onAir && S.onAir.id === p.id;
      const isCued = S.cuedId === p.id;
      const li = el('li', 'posting' + (onAir ? ' is-onair' : '') + (isCued ? ' is-cued' : ''));
      li.dataset.id = String(p.id);
      li.append(el('span', 'slot', i < 9 ? String(i + 1) : ''));
      const info = el('div', 'posting-info');
      info.append(el('div', 'posting-title', p.title),
                  el('div', 'posting-meta', p.company + ' · ' + p.pay_text));
      li.append(info, el('span', 'posting-count', String(p.signups || 0)));
      if (onAir) li.append(el('span', 'state-tag tag-pgm', t('onAirNow')));
      else if (isCued) li.append(el('span', 'state-tag tag-pvw', t('cued')));
      const cueBtn = el('button', 'btn cue', t('cue'));
      cueBtn.type = 'button';
      cueBtn.dataset.action = 'cue';
      const takeBtn = el('button', 'btn take', onAir ? t('onAirNow') : t('takeOne'));
      takeBtn.type = 'button';
      takeBtn.dataset.action = 'take';
      takeBtn.disabled = onAir;
      li.append(cueBtn, takeBtn);
      list.append(li);
    });
  }

  function renderCounts() {
    const list = $('counts');
    list.replaceChildren();
    const max = Math.max(1, ...S.postings.map((p) => p.signups || 0));
    for (const p of S.postings) {
      const li = el('li', 'count-row');
      li.dataset.id = String(p.id);
      const bar = el('span', 'count-bar');
      // Width through a CSS custom property set from script: allowed by style-src 'self'.
      bar.style.setProperty('--w', ((p.signups || 0) / max * 100).toFixed(1) + '%');
      li.append(el('span', 'count-title', p.title), bar, el('span', 'count-n', p.signups || 0));
      list.append(li);
    }
    $('signup-total').textContent = String(totalSignups());
    $('total').textContent = t('total', totalSignups());
  }

  function renderChart() {
    const svg = $('chart');
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    const nowMin = Math.floor(Date.now() / 60000);
    let max = 1;
    for (let i = 0; i < CHART_MINUTES; i++) max = Math.max(max, S.perMinute.get(nowMin - i) || 0);
    const w = 300 / CHART_MINUTES;
    for (let i = 0; i < CHART_MINUTES; i++) {
      const minute = nowMin - (CHART_MINUTES - 1 - i);
      const n = S.perMinute.get(minute) || 0;
      const h = n ? Math.max(2, (n / max) * 70) : 0;
      const r = document.createElementNS(ns, 'rect');
      r.setAttribute('x', (i * w + 1).toFixed(1));
      r.setAttribute('y', (78 - h).toFixed(1));
      r.setAttribute('width', (w - 2).toFixed(1));
      r.setAttribute('height', h.toFixed(1));
      r.setAttribute('class', minute === nowMin ? 'bar bar-now' : 'bar');
      const title = document.createElementNS(ns, 'title');
      title.textContent = (minute === nowMin ? t('now') : t('minutesAgo', nowMin - minute)) + ': ' + n;
      r.append(title);
      svg.append(r);
    }
    const base = document.createElementNS(ns, 'line');
    base.setAttribute('x1', '0');
    base.setAttribute('x2', '300');
    base.setAttribute('y1', '78.5');
    base.setAttribute('y2', '78.5');
    base.setAttribute('class', 'axis');
    svg.append(base);
  }

  function renderFeed() {
    const list = $('signups');
    list.replaceChildren();
    for (const s of S.feed) {
      const li = el('li', 'signup');
      const p = byId(s.postingId);
      const when = new Date(s.at).toLocaleTimeString('zh-CN', { hour12: false });
      li.append(el('span', 'signup-time', when), el('span', 'signup-name', s.name),
                el('span', 'signup-phone', s.phone),
                el('span', 'signup-posting', p ? p.title : '#' + s.postingId));
      list.append(li);
    }
    $('feed-empty').hidden = S.feed.length > 0;
  }

  function renderAll() {
    renderMonitors();
    renderPostings();
    renderCounts();
    renderChart();
    renderFeed();
    renderTimes();
  }

  function renderTimes() {
    $('clock').textContent = new Date().toLocaleTimeString('zh-CN', { hour12: false });
    $('onair-time').textContent = S.onAir ? fmtDuration(Date.now() - S.onAirSince) : '';
  }

  // ---- stream health (shown once the server reports it) ----
  const HEALTH_SKIP = new Set(['outputs']);
  function flatten(obj, prefix, out) {
    for (const [k, v] of Object.entries(obj || {})) {
      if (HEALTH_SKIP.has(k) && !prefix) continue;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, prefix + k + '.', out);
      else if (!Array.isArray(v)) out.push([prefix + k, v]);
    }
    return out;
  }

  function renderHealth(status) {
    if (!status || typeof status !== 'object') return;
    $('health').hidden = false;
    const dl = $('health-summary');
    dl.replaceChildren();
    for (const [k, v] of flatten(status, '', [])) dl.append(el('dt', null, k), el('dd', null, v));
    const list = $('outputs');
    list.replaceChildren();
    for (const o of Array.isArray(status.outputs) ? status.outputs : []) {
      const st = String(o.state || o.status || '');
      const li = el('li', 'output output-' + st.replace(/[^a-z_-]/gi, ''));
      li.append(el('span', 'output-name', o.name || o.uri || o.url || '?'), el('span', 'output-state', st));
      const rest = flatten(o, '', []).filter(([k]) => !['name', 'uri', 'url', 'state', 'status'].includes(k));
      li.append(el('span', 'output-meta', rest.map(([k, v]) => k + ' ' + v).join(' · ')));
      list.append(li);
    }
  }

  // ---- program thumbnail: /api/preview.jpg, when the server has it ----
  function startPreviewImage() {
    const img = el('img', 'live');
    img.alt = 'PGM';
    let timer = 0;
    const next = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { img.src = '/api/preview.jpg?t=' + Date.now(); }, PREVIEW_INTERVAL_MS);
    };
    img.addEventListener('load', next);
    img.addEventListener('error', () => {
      S.previewLive = false;
      renderMonitors();
      setTimeout(probePreview, 5000);
    });
    img.src = '/api/preview.jpg?t=' + Date.now();
    return img;
  }

  function probePreview() {
    if (S.previewLive) return;
    fetch('/api/preview.jpg', { cache: 'no-store', credentials: 'same-origin' }).then((r) => {
      const type = r.headers.get('content-type') || '';
      if (r.ok && type.startsWith('image/')) {
        S.previewLive = true;
        renderMonitors();
      }
    }).catch(() => {});
  }

  // ---- actions ----
  function cue(id) {
    if (!byId(id)) return;
    S.cuedId = id;
    renderMonitors();
    renderPostings();
    const row = document.querySelector('.posting[data-id="' + id + '"]');
    if (row && row.scrollIntoView) row.scrollIntoView({ block: 'nearest' });
    if (!S.rpc.connected) return;
    // While our own cues are in flight, their echoes (preview.changed) may be older than what
    // the producer has pressed since: they are ignored, and the last reply is the truth.
    S.cuesInFlight++;
    const settle = (res) => {
      S.cuesInFlight--;
      if (S.cuesInFlight === 0 && res && res.preview && res.preview.id !== S.cuedId) {
        S.cuedId = res.preview.id;
        renderMonitors();
        renderPostings();
      }
    };
    S.rpc.callOptional('show.cue', { posting_id: id }).then(settle, () => settle(null));
  }

  function setOnAir(p) {
    if (!p) {
      S.onAir = null;
      return;
    }
    if (!S.onAir || S.onAir.id !== p.id) S.onAirSince = Date.now();
    S.onAir = p;
    upsertPosting(p);
  }

  function take(id) {
    if (id === null || id === undefined || !byId(id)) return;
    S.rpc.call('show.take', { posting_id: id }).then((res) => {
      if (res && res.on_air) setOnAir(res.on_air);
      // Like a mixer's auto-next: the posting after the one just taken is cued.
      if (S.cuedId === id || S.cuedId === null) {
        const n = nextAfter(id);
        if (n) cue(n.id);
      }
      renderAll();
    }).catch((e) => toast(t('takeFailed', e.message), true));
  }

  function cueRelative(step) {
    if (!S.postings.length) return;
    const from = S.cuedId !== null ? S.cuedId : S.onAir ? S.onAir.id : null;
    let i = S.postings.findIndex((p) => p.id === from);
    if (i < 0) i = step > 0 ? -1 : 0;
    i = (i + step + S.postings.length) % S.postings.length;
    cue(S.postings[i].id);
  }

  // ---- server state and events ----
  function applyState(s) {
    S.postings = Array.isArray(s.postings) ? s.postings.slice() : [];
    if (s.on_air && S.onAir && s.on_air.id === S.onAir.id) S.onAir = s.on_air;
    else setOnAir(s.on_air || null);
    if (s.on_air_since) S.onAirSince = new Date(s.on_air_since).getTime() || S.onAirSince;
    if (s.preview && s.preview.id) S.cuedId = s.preview.id; // the server's cue, if it has one
    if (S.cuedId === null || !byId(S.cuedId)) {
      const n = S.onAir ? nextAfter(S.onAir.id) : S.postings[0];
      S.cuedId = n ? n.id : null;
    }
    if (s.stream) renderHealth(s.stream);
    if (Array.isArray(s.signups)) {
      S.feed = [];
      S.perMinute.clear();
      for (const x of s.signups) addSignup(x, false);
    }
  }

  function addSignup(x, live) {
    const at = x.created_at ? new Date(x.created_at).getTime() || Date.now() : Date.now();
    const entry = { at, name: x.name, phone: x.phone_masked, postingId: x.posting_id };
    if (live) S.feed.unshift(entry);
    else S.feed.push(entry);
    S.feed.sort((a, b) => b.at - a.at);
    if (S.feed.length > FEED_MAX) S.feed.length = FEED_MAX;
    const minute = Math.floor(at / 60000);
    S.perMinute.set(minute, (S.perMinute.get(minute) || 0) + 1);
  }

  function resync() {
    return S.rpc.call('state.get').then((s) => {
      applyState(s);
      renderAll();
    });
  }

  function onNotify(method, params) {
    if (method === 'on_air.changed') {
      setOnAir(params.on_air || null);
      renderAll();
    } else if (method === 'signup.created') {
      const p = byId(params.posting_id);
      if (p && typeof params.count === 'number') p.signups = params.count;
      if (S.onAir && S.onAir.id === params.posting_id && p) S.onAir.signups = p.signups;
      addSignup(params, true);
      renderAll();
      const row = document.querySelector('.count-row[data-id="' + params.posting_id + '"]');
      if (row) row.classList.add('flash');
    } else if (method === 'stream.status') {
      renderHealth(params);
    } else if (method === 'preview.changed') {
      if (S.cuesInFlight > 0) return;
      if (params.preview && params.preview.id) {
        S.cuedId = params.preview.id;
        upsertPosting(params.preview);
      } else if (S.cuedId !== null && S.onAir && S.cuedId === S.onAir.id) {
        S.cuedId = null; // the cued posting was taken; take() cues the next one
      }
      renderAll();
    } else if (/^(posting|postings|rundown)\./.test(method)) {
      // The rundown changed in a way this page does not model yet: fetch the truth.
      resync().catch(() => {});
    }
  }

  function onOpen() {
    const again = S.everConnected;
    S.everConnected = true;
    renderConn();
    resync().then(() => {
      if (again) toast(t('resynced'));
      document.body.dataset.synced = String(Date.now());
    }).catch(() => {});
    probePreview();
  }

  // ---- input ----
  function isTyping(target) {
    return target && target.closest && target.closest('input, textarea, select, [contenteditable]');
  }

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
    const onButton = ev.target && ev.target.closest && ev.target.closest('button');
    if (ev.key === ' ' || ev.key === 'Enter') {
      if (onButton) return; // a focused button keeps its own keyboard activation
      ev.preventDefault();
      if (!$('take').disabled) take(S.cuedId);
    } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowRight') {
      ev.preventDefault();
      cueRelative(1);
    } else if (ev.key === 'ArrowUp' || ev.key === 'ArrowLeft') {
      ev.preventDefault();
      cueRelative(-1);
    } else if (/^[1-9]$/.test(ev.key)) {
      const p = S.postings[Number(ev.key) - 1];
      if (p) cue(p.id);
    }
  }

  function onRundownClick(ev) {
    const li = ev.target.closest('.posting');
    if (!li) return;
    const id = Number(li.dataset.id);
    const btn = ev.target.closest('button');
    if (btn && btn.dataset.action === 'take') take(id);
    else cue(id);
  }

  // A mouse click must not leave focus on a button, or Space would press it again instead of
  // taking the cued posting. Keyboard activation (detail 0) keeps focus where it is.
  function dropMouseFocus(ev) {
    const btn = ev.target.closest && ev.target.closest('button');
    if (btn && ev.detail > 0) btn.blur();
  }

  function init() {
    try {
      S.lang = localStorage.getItem('jobcast.lang') === 'en' ? 'en' : 'zh';
    } catch (e) { /* storage may be disabled */ }
    S.rpc = new window.JcRpc({
      onOpen,
      onClose: (delay) => {
        S.offlineSeconds = Math.ceil(delay / 1000);
        renderConn();
        renderMonitors();
      },
      onRetryTick: (secs) => {
        S.offlineSeconds = secs;
        renderConn();
      },
      onNotify,
    });
    $('lang').addEventListener('click', () => {
      S.lang = S.lang === 'zh' ? 'en' : 'zh';
      try { localStorage.setItem('jobcast.lang', S.lang); } catch (e) { /* ignore */ }
      applyLang();
    });
    $('take').addEventListener('click', () => take(S.cuedId));
    $('postings').addEventListener('click', onRundownClick);
    document.addEventListener('click', dropMouseFocus);
    document.addEventListener('keydown', onKey);
    setInterval(renderTimes, 1000);
    setInterval(renderChart, 15000);
    applyLang();
    S.rpc.connect();
    // For tests and the curious: the live connection (e.g. to drop it by hand).
    window.jobcast = { rpc: S.rpc, state: S };
  }

  init();
})();
