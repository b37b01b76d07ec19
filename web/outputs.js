// JcOutputs: the control page's Outputs section: every push destination with its name, its URI
// as the server shows it (stream key as ***), whether it is enabled, its state, bit rate, uptime
// and retry countdown; add, edit (a new URI: the old key is never sent back), enable, disable,
// remove (a second click confirms), all over the outputs.* methods.
//
// Loaded before control.js, which creates one JcOutputs with its RPC client and hands it the
// outputs.changed events and every stream.status (the live numbers, matched by name).
// Invariants: the server is the judge of validity (its message is shown under the form); every
// server string goes in through textContent.
'use strict';

(function () {
  const STRINGS = {
    zh: {
      title: '推流目的地', name: '名称', uri: '推流地址', enabled: '启用', state: '状态', kbps: '码率',
      uptime: '在线', retry: '重试', empty: '还没有推流目的地（只录制）', add: '添加',
      save: '保存修改', cancel: '取消', edit: '编辑', enable: '启用', disable: '停用', remove: '删除',
      confirm: '确认删除', yes: '是', no: '否', namePh: '名称，如 douyin',
      uriPh: 'rtmp://服务器/应用/推流码', editing: '修改 {0}：输入完整的新地址（含推流码）',
      added: '已添加 {0}', saved: '已保存 {0}', removed: '已删除 {0}', inSec: '{0} 秒后',
      st_live: '推流中', st_connecting: '连接中', st_starting: '启动中', st_reconnecting: '重连中',
      st_failed: '失败', st_disabled: '已停用', st_stopped: '已停止',
    },
    en: {
      title: 'Outputs', name: 'Name', uri: 'URL', enabled: 'On', state: 'State', kbps: 'Bit rate',
      uptime: 'Up', retry: 'Retry', empty: 'No outputs yet (recording only)', add: 'Add',
      save: 'Save', cancel: 'Cancel', edit: 'Edit', enable: 'Enable', disable: 'Disable',
      remove: 'Remove', confirm: 'Really remove', yes: 'yes', no: 'no', namePh: 'name, e.g. douyin',
      uriPh: 'rtmp://server/app/stream-key', editing: 'Editing {0}: type the whole new URL (with its key)',
      added: 'Added {0}', saved: 'Saved {0}', removed: 'Removed {0}', inSec: 'in {0} s',
      st_live: 'live', st_connecting: 'connecting', st_starting: 'starting',
      st_reconnecting: 'reconnecting', st_failed: 'failed', st_disabled: 'disabled',
      st_stopped: 'stopped',
    },
  };
  const CONFIRM_MS = 3000;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function duration(s) {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const pad = (n) => String(n).padStart(2, '0');
    return (h ? h + ':' + pad(m) : m) + ':' + pad(s % 60);
  }

  // opts: rpc (JcRpc), lang() -> 'zh' | 'en', toast(text, bad).
  function JcOutputs(opts) {
    this.opts = opts;
    this.list = []; // the server's outputs.list / outputs.changed
    this.live = {}; // name -> the newest stream.status entry
    this.liveAt = Date.now();
    this.editing = null; // name being edited, null when adding
    this.armed = null; // name whose remove button was clicked once
    this.form = document.getElementById('out-form');
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    document.getElementById('out-cancel').addEventListener('click', () => this.stopEditing());
    document.getElementById('out-rows').addEventListener('click', (ev) => this.onClick(ev));
    setInterval(() => this.render(), 1000);
    this.relabel();
  }

  JcOutputs.prototype.t = function (key, ...args) {
    const dict = STRINGS[this.opts.lang()] || STRINGS.zh;
    let s = dict[key] !== undefined ? dict[key] : key;
    args.forEach((a, i) => { s = s.replace('{' + i + '}', String(a)); });
    return s;
  };

  JcOutputs.prototype.relabel = function () {
    document.querySelectorAll('[data-o18n]').forEach((e) => { e.textContent = this.t(e.dataset.o18n); });
    document.getElementById('out-name').placeholder = this.t('namePh');
    document.getElementById('out-uri').placeholder = this.t('uriPh');
    this.renderForm();
    this.render();
  };

  // Fetches the list (after every (re)connection).
  JcOutputs.prototype.refresh = function () {
    return this.opts.rpc.call('outputs.list').then((res) => this.set(res.outputs), () => {});
  };

  JcOutputs.prototype.set = function (outputs) {
    if (!Array.isArray(outputs)) return;
    this.list = outputs;
    this.render();
  };

  JcOutputs.prototype.stream = function (status) {
    const live = {};
    (Array.isArray(status && status.outputs) ? status.outputs : []).forEach((o) => {
      if (o && o.name) live[o.name] = o;
    });
    this.live = live;
    this.liveAt = Date.now();
    this.render();
  };

  // The output with the stream's newer numbers for it.
  JcOutputs.prototype.merged = function (o) {
    const s = o.enabled ? this.live[o.name] : null;
    if (!s) return Object.assign({}, o, { at: this.liveAt });
    return Object.assign({}, o, { state: s.state || o.state, kbps: s.kbps, uptime: s.uptime,
      retry_in: s.retry_in, error: s.error, at: this.liveAt });
  };

  JcOutputs.prototype.row = function (o) {
    const tr = el('tr', 'out-row out-' + String(o.state).replace(/[^a-z-]/g, ''));
    tr.dataset.name = o.name;
    const since = (Date.now() - o.at) / 1000;
    const retry = o.retry_in > 0 ? Math.max(0, Math.ceil(o.retry_in - since)) : 0;
    const up = o.state === 'live' && o.uptime > 0 ? duration(o.uptime + since) : '';
    const state = el('td', 'out-state', this.t('st_' + o.state) === 'st_' + o.state ? o.state : this.t('st_' + o.state));
    if (o.error && o.state !== 'live') state.append(el('small', 'out-error-text', o.error));
    tr.append(el('td', 'out-name', o.name), el('td', 'out-uri', o.uri),
      el('td', 'out-enabled', o.enabled ? this.t('yes') : this.t('no')), state,
      el('td', 'out-kbps', o.state === 'live' && typeof o.kbps === 'number' ? Math.round(o.kbps) + ' kbps' : ''),
      el('td', 'out-uptime', up), el('td', 'out-retry', retry > 0 ? this.t('inSec', retry) : ''));
    const actions = el('td', 'out-actions');
    const btn = (action, label, cls) => {
      const b = el('button', 'btn ' + (cls || ''), label);
      b.type = 'button';
      b.dataset.action = action;
      return b;
    };
    actions.append(btn('edit', this.t('edit')),
      o.enabled ? btn('disable', this.t('disable')) : btn('enable', this.t('enable')),
      this.armed === o.name ? btn('remove', this.t('confirm'), 'btn-danger') : btn('arm', this.t('remove')));
    tr.append(actions);
    return tr;
  };

  JcOutputs.prototype.render = function () {
    const body = document.getElementById('out-rows');
    if (!body) return;
    body.replaceChildren(...this.list.map((o) => this.row(this.merged(o))));
    document.getElementById('out-empty').hidden = this.list.length > 0;
    document.getElementById('out-table').hidden = this.list.length === 0;
  };

  JcOutputs.prototype.renderForm = function () {
    const name = document.getElementById('out-name');
    name.readOnly = this.editing !== null;
    document.getElementById('out-submit').textContent = this.t(this.editing ? 'save' : 'add');
    document.getElementById('out-cancel').hidden = this.editing === null;
    const note = document.getElementById('out-note');
    note.hidden = this.editing === null;
    note.textContent = this.editing ? this.t('editing', this.editing) : '';
  };

  JcOutputs.prototype.showError = function (text) {
    const p = document.getElementById('out-error');
    p.hidden = !text;
    p.textContent = text || '';
  };

  JcOutputs.prototype.stopEditing = function () {
    this.editing = null;
    this.form.reset();
    this.showError(null);
    this.renderForm();
  };

  JcOutputs.prototype.submit = function () {
    const name = document.getElementById('out-name').value.trim();
    const uri = document.getElementById('out-uri').value.trim();
    const method = this.editing ? 'outputs.update' : 'outputs.add';
    this.opts.rpc.call(method, { name, uri }).then((res) => {
      this.opts.toast(this.t(this.editing ? 'saved' : 'added', name));
      this.stopEditing();
      this.upsert(res.output);
    }, (e) => this.showError(e && e.message ? e.message : String(e)));
  };

  JcOutputs.prototype.upsert = function (o) {
    if (!o || !o.name) return;
    const i = this.list.findIndex((x) => x.name === o.name);
    if (i >= 0) this.list[i] = o;
    else this.list.push(o);
    this.render();
  };

  JcOutputs.prototype.onClick = function (ev) {
    const b = ev.target.closest('button[data-action]');
    const tr = ev.target.closest('tr[data-name]');
    if (!b || !tr) return;
    const name = tr.dataset.name;
    const action = b.dataset.action;
    if (action === 'edit') {
      this.editing = name;
      document.getElementById('out-name').value = name;
      document.getElementById('out-uri').value = '';
      this.renderForm();
      document.getElementById('out-uri').focus();
    } else if (action === 'arm') {
      this.armed = name;
      this.render();
      setTimeout(() => { if (this.armed === name) { this.armed = null; this.render(); } }, CONFIRM_MS);
    } else {
      const method = 'outputs.' + action;
      this.opts.rpc.call(method, { name }).then((res) => {
        if (action === 'remove') {
          this.armed = null;
          this.list = this.list.filter((x) => x.name !== name);
          this.opts.toast(this.t('removed', name));
          this.render();
        } else {
          this.upsert(res.output);
        }
      }, (e) => this.opts.toast(e && e.message ? e.message : String(e), true));
    }
  };

  window.JcOutputs = JcOutputs;
})();
