// JcEmployers: the control page's Employers section (用工单位): every employer on record with its
// business contact, how many postings it has open, how many sign-ups it has had, and the export
// of its sign-ups (by record); a producer edits a name or contact in place, or adds one, over
// the employers.* methods. A rename reaches the employer's postings on the server (the card on
// air included).
//
// Loaded before control.js, which creates one JcEmployers with its RPC client, refreshes it after
// every (re)connection and on each employers.changed, and reads its names for the editor's
// company field (the datalist).
// Invariants: the server is the judge of validity (its message is shown under the form); every
// server string goes in through textContent.
'use strict';

(function () {
  const STRINGS = {
    zh: {
      title: '用工单位', name: '单位名称', person: '联系人', phone: '联系电话', postings: '在招岗位',
      signups: '报名', export: '导出报名表', empty: '还没有用工单位', add: '添加', save: '保存修改',
      cancel: '取消', edit: '编辑', namePh: '单位名称', personPh: '联系人（可不填）',
      phonePh: '联系电话（可不填）', editing: '修改 {0}：改名会同时改它所有岗位上的单位名称',
      added: '已添加 {0}', saved: '已保存 {0}', of: '{0}/{1}',
      links: '工作台链接', linksOf: '{0} 的工作台链接', makeLink: '生成工作台链接', copy: '复制',
      copied: '链接已复制', revoke: '撤销', renew: '延长30天', close: '关闭',
      linkState: '状态', linkExpires: '到期时间', linkUses: '打开次数', active: '有效',
      revoked: '已撤销', expired: '已过期', made: '已生成链接：复制后发给 {0}（只显示这一次）',
      linksHint: '用工单位用这个链接在手机上查看报名人员、打电话、标记跟进状态；链接只能看到这一家单位的报名。',
      noLinks: '还没有链接',
    },
    en: {
      title: 'Employers', name: 'Name', person: 'Contact', phone: 'Phone', postings: 'Open postings',
      signups: 'Sign-ups', export: 'Export sign-ups', empty: 'No employers yet', add: 'Add',
      save: 'Save', cancel: 'Cancel', edit: 'Edit', namePh: 'employer name',
      personPh: 'contact person (optional)', phonePh: 'contact phone (optional)',
      editing: 'Editing {0}: a new name renames all its postings', added: 'Added {0}',
      saved: 'Saved {0}', of: '{0}/{1}',
      links: 'Desk links', linksOf: 'Desk links of {0}', makeLink: 'Make a desk link', copy: 'Copy',
      copied: 'Link copied', revoke: 'Revoke', renew: 'Renew 30 days', close: 'Close',
      linkState: 'State', linkExpires: 'Expires', linkUses: 'Opened', active: 'Active',
      revoked: 'Revoked', expired: 'Expired', made: 'Link made: copy it to {0} (shown this once)',
      linksHint: "The employer opens its applicants on a phone with this link, calls them and marks how each one went; it shows this employer's sign-ups only.",
      noLinks: 'No links yet',
    },
  };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // opts: rpc (JcRpc), lang() -> 'zh' | 'en', toast(text, bad), changed(list) after each refresh.
  function JcEmployers(opts) {
    this.opts = opts;
    this.list = []; // the server's employers.list
    this.editing = null; // id being edited, null when adding
    this.form = document.getElementById('emp-form');
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    document.getElementById('emp-cancel').addEventListener('click', () => this.stopEditing());
    document.getElementById('emp-rows').addEventListener('click', (ev) => this.onClick(ev));
    this.linksOf = null; // the employer whose desk links are open, null when none
    this.links = [];
    document.getElementById('emp-link-make').addEventListener('click', () => this.makeLink());
    document.getElementById('emp-link-copy').addEventListener('click', () => this.copyLink());
    document.getElementById('emp-link-close').addEventListener('click', () => this.showLinks(null));
    document.getElementById('emp-link-rows').addEventListener('click', (ev) => this.onLinkClick(ev));
    this.relabel();
  }

  JcEmployers.prototype.t = function (key, ...args) {
    const dict = STRINGS[this.opts.lang()] || STRINGS.zh;
    let s = dict[key] !== undefined ? dict[key] : key;
    args.forEach((a, i) => { s = s.replace('{' + i + '}', String(a)); });
    return s;
  };

  JcEmployers.prototype.relabel = function () {
    document.querySelectorAll('[data-e18n]').forEach((e) => { e.textContent = this.t(e.dataset.e18n); });
    document.getElementById('emp-name').placeholder = this.t('namePh');
    document.getElementById('emp-person').placeholder = this.t('personPh');
    document.getElementById('emp-phone').placeholder = this.t('phonePh');
    this.renderForm();
    this.render();
    this.renderLinks();
  };

  // Fetches the list (after every (re)connection and every employers.changed).
  JcEmployers.prototype.refresh = function () {
    return this.opts.rpc.call('employers.list').then((res) => {
      this.list = Array.isArray(res.employers) ? res.employers : [];
      this.render();
      if (this.opts.changed) this.opts.changed(this.list);
    }, () => {});
  };

  JcEmployers.prototype.row = function (e) {
    const tr = el('tr', 'emp-row');
    tr.dataset.id = String(e.id);
    const exp = el('a', 'emp-export', this.t('export'));
    exp.href = '/api/export.csv?employer_id=' + encodeURIComponent(e.id);
    exp.download = 'signups-' + String(e.name).replace(/[\\/:*?"<>|\s]+/g, '_') + '.csv';
    const edit = el('button', 'btn', this.t('edit'));
    edit.type = 'button';
    edit.dataset.action = 'edit';
    const links = el('button', 'btn emp-links-btn', this.t('links'));
    links.type = 'button';
    links.dataset.action = 'links';
    const actions = el('td', 'emp-actions');
    actions.append(edit, links, exp);
    tr.append(el('td', 'emp-name', e.name), el('td', 'emp-person', e.contact_person),
      el('td', 'emp-phone', e.contact_phone), el('td', 'emp-postings', this.t('of', e.open_postings, e.postings)),
      el('td', 'emp-signups', e.signups), actions);
    return tr;
  };

  JcEmployers.prototype.render = function () {
    const body = document.getElementById('emp-rows');
    if (!body) return;
    body.replaceChildren(...this.list.map((e) => this.row(e)));
    document.getElementById('emp-empty').hidden = this.list.length > 0;
    document.getElementById('emp-table').hidden = this.list.length === 0;
  };

  JcEmployers.prototype.renderForm = function () {
    const e = this.list.find((x) => x.id === this.editing);
    document.getElementById('emp-submit').textContent = this.t(this.editing ? 'save' : 'add');
    document.getElementById('emp-cancel').hidden = this.editing === null;
    const note = document.getElementById('emp-note');
    note.hidden = !e;
    note.textContent = e ? this.t('editing', e.name) : '';
  };

  JcEmployers.prototype.showError = function (text) {
    const p = document.getElementById('emp-error');
    p.hidden = !text;
    p.textContent = text || '';
  };

  JcEmployers.prototype.stopEditing = function () {
    this.editing = null;
    this.form.reset();
    this.showError(null);
    this.renderForm();
  };

  JcEmployers.prototype.submit = function () {
    const params = {
      name: document.getElementById('emp-name').value.trim(),
      contact_person: document.getElementById('emp-person').value.trim(),
      contact_phone: document.getElementById('emp-phone').value.trim(),
    };
    const editing = this.editing;
    if (editing) params.employer_id = editing;
    this.opts.rpc.call(editing ? 'employers.update' : 'employers.create', params).then(() => {
      this.opts.toast(this.t(editing ? 'saved' : 'added', params.name));
      this.stopEditing();
      this.refresh();
    }, (e) => this.showError(e && e.message ? e.message : String(e)));
  };

  // ---- desk links: made, copied (the URL is shown once), renewed, revoked ----

  JcEmployers.prototype.showLinks = function (id) {
    this.linksOf = id;
    document.getElementById('emp-newlink').hidden = true;
    document.getElementById('emp-link-url').value = '';
    this.refreshLinks();
  };

  JcEmployers.prototype.refreshLinks = function () {
    if (this.linksOf === null) {
      this.links = [];
      this.renderLinks();
      return Promise.resolve();
    }
    return this.opts.rpc.call('employers.links.list', { employer_id: this.linksOf }).then((res) => {
      this.links = Array.isArray(res.links) ? res.links : [];
      this.renderLinks();
    }, (e) => this.opts.toast(e && e.message ? e.message : String(e), true));
  };

  JcEmployers.prototype.renderLinks = function () {
    const box = document.getElementById('emp-links');
    if (!box) return;
    const e = this.list.find((x) => x.id === this.linksOf);
    box.hidden = !e;
    if (!e) return;
    document.getElementById('emp-links-h').textContent = this.t('linksOf', e.name);
    const rows = this.links.map((l) => {
      const tr = el('tr', 'emp-link-row link-' + l.state);
      tr.dataset.id = String(l.id);
      const act = el('td', 'emp-actions');
      if (l.state !== 'revoked') {
        const renew = el('button', 'btn', this.t('renew'));
        renew.type = 'button';
        renew.dataset.action = 'renew';
        const revoke = el('button', 'btn btn-danger', this.t('revoke'));
        revoke.type = 'button';
        revoke.dataset.action = 'revoke';
        act.append(renew, revoke);
      }
      tr.append(el('td', 'link-state', this.t(l.state)),
        el('td', 'link-expires', new Date(l.expires_at).toLocaleString()),
        el('td', 'link-uses', l.uses), act);
      return tr;
    });
    if (rows.length === 0) {
      const tr = el('tr', 'empty');
      const td = el('td', '', this.t('noLinks'));
      td.colSpan = 4;
      tr.append(td);
      rows.push(tr);
    }
    document.getElementById('emp-link-rows').replaceChildren(...rows);
  };

  JcEmployers.prototype.makeLink = function () {
    const e = this.list.find((x) => x.id === this.linksOf);
    if (!e) return;
    this.opts.rpc.call('employers.links.create', { employer_id: e.id }).then((res) => {
      document.getElementById('emp-newlink').hidden = false;
      document.getElementById('emp-link-url').value = res.url;
      this.opts.toast(this.t('made', e.name));
      this.refreshLinks();
    }, (err) => this.opts.toast(err && err.message ? err.message : String(err), true));
  };

  JcEmployers.prototype.copyLink = function () {
    const input = document.getElementById('emp-link-url');
    const done = () => this.opts.toast(this.t('copied'));
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, () => {});
      return;
    }
    input.select();
    if (document.execCommand('copy')) done();
  };

  JcEmployers.prototype.onLinkClick = function (ev) {
    const b = ev.target.closest('button[data-action]');
    const tr = ev.target.closest('tr[data-id]');
    if (!b || !tr) return;
    const method = b.dataset.action === 'revoke' ? 'employers.links.revoke' : 'employers.links.renew';
    this.opts.rpc.call(method, { link_id: Number(tr.dataset.id) }).then(() => this.refreshLinks(),
      (err) => this.opts.toast(err && err.message ? err.message : String(err), true));
  };

  JcEmployers.prototype.onClick = function (ev) {
    const links = ev.target.closest('button[data-action="links"]');
    const row = ev.target.closest('tr[data-id]');
    if (links && row) {
      this.showLinks(Number(row.dataset.id));
      return;
    }
    const b = ev.target.closest('button[data-action="edit"]');
    const tr = ev.target.closest('tr[data-id]');
    if (!b || !tr) return;
    const e = this.list.find((x) => String(x.id) === tr.dataset.id);
    if (!e) return;
    this.editing = e.id;
    document.getElementById('emp-name').value = e.name;
    document.getElementById('emp-person').value = e.contact_person;
    document.getElementById('emp-phone').value = e.contact_phone;
    this.showError(null);
    this.renderForm();
    document.getElementById('emp-person').focus();
  };

  window.JcEmployers = JcEmployers;
})();
