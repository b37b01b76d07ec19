// The producer's control page: a JSON-RPC 2.0 client over the /api/control WebSocket.
// Every user-supplied string is put on the page with textContent, never as HTML.
'use strict';

const state = { ws: null, nextId: 1, pending: new Map(), postings: [], onAir: null, retry: 0 };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function setConn(up, text) {
  const c = document.getElementById('conn');
  c.textContent = text;
  c.className = 'conn ' + (up ? 'conn-up' : 'conn-down');
}

function call(method, params) {
  return new Promise((resolve, reject) => {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) {
      reject(new Error('未连接'));
      return;
    }
    const id = state.nextId++;
    state.pending.set(id, { resolve, reject });
    state.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: params || {} }));
  });
}

function renderOnAir() {
  const box = document.getElementById('onair');
  box.replaceChildren();
  const p = state.onAir;
  if (!p) {
    box.textContent = '—';
    return;
  }
  box.append(el('div', 'onair-title', p.title), el('div', 'onair-meta', p.company),
             el('div', 'onair-pay', p.pay_text),
             el('div', 'onair-meta', p.location + ' · 招 ' + p.headcount + ' 人'),
             el('div', 'onair-count', '已有 ' + (p.signups || 0) + ' 人报名'));
}

function renderPostings() {
  const list = document.getElementById('postings');
  list.replaceChildren();
  for (const p of state.postings) {
    const li = el('li', 'posting' + (state.onAir && state.onAir.id === p.id ? ' is-onair' : ''));
    const info = el('div', 'posting-info');
    info.append(el('div', 'posting-title', p.title),
                el('div', 'posting-meta', p.company + ' · ' + p.pay_text + ' · 报名 ' + (p.signups || 0)));
    const take = el('button', 'take', state.onAir && state.onAir.id === p.id ? '播出中' : '上播');
    take.type = 'button';
    take.dataset.id = String(p.id);
    take.addEventListener('click', () => {
      call('show.take', { posting_id: p.id }).catch((e) => alert('上播失败：' + e.message));
    });
    li.append(info, take);
    list.append(li);
  }
}

function upsertPosting(p) {
  const i = state.postings.findIndex((x) => x.id === p.id);
  if (i >= 0) state.postings[i] = p; else state.postings.push(p);
}

function onNotification(msg) {
  if (msg.method === 'on_air.changed') {
    state.onAir = msg.params.on_air;
    if (state.onAir) upsertPosting(state.onAir);
    renderOnAir();
    renderPostings();
  } else if (msg.method === 'signup.created') {
    const s = msg.params;
    const p = state.postings.find((x) => x.id === s.posting_id);
    if (p) p.signups = s.count;
    if (state.onAir && state.onAir.id === s.posting_id) state.onAir.signups = s.count;
    const li = el('li', 'signup');
    const when = new Date().toLocaleTimeString('zh-CN', { hour12: false });
    li.append(el('span', 'signup-time', when), el('span', 'signup-name', s.name),
              el('span', 'signup-phone', s.phone_masked),
              el('span', 'signup-posting', p ? p.title : '#' + s.posting_id));
    document.getElementById('signups').prepend(li);
    renderOnAir();
    renderPostings();
  }
}

function onMessage(ev) {
  let msg;
  try { msg = JSON.parse(ev.data); } catch (e) { return; }
  if (msg.id !== undefined && state.pending.has(msg.id)) {
    const { resolve, reject } = state.pending.get(msg.id);
    state.pending.delete(msg.id);
    if (msg.error) reject(new Error(msg.error.message)); else resolve(msg.result);
  } else if (msg.method) {
    onNotification(msg);
  }
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const ws = new WebSocket(scheme + location.host + '/api/control');
  state.ws = ws;
  ws.addEventListener('open', async () => {
    state.retry = 0;
    setConn(true, '已连接');
    const s = await call('state.get');
    state.postings = s.postings;
    state.onAir = s.on_air;
    renderOnAir();
    renderPostings();
  });
  ws.addEventListener('message', onMessage);
  ws.addEventListener('close', () => {
    for (const { reject } of state.pending.values()) reject(new Error('连接已断开'));
    state.pending.clear();
    const delay = Math.min(10000, 500 * 2 ** state.retry++);
    setConn(false, '已断开，' + Math.round(delay / 1000) + ' 秒后重连…');
    setTimeout(connect, delay);
  });
}

document.addEventListener('keydown', (ev) => {
  const n = Number(ev.key);
  if (n >= 1 && n <= 9 && state.postings[n - 1] && !ev.target.closest('input,textarea')) {
    call('show.take', { posting_id: state.postings[n - 1].id }).catch(() => {});
  }
});

connect();
