// JcQuestions: the control page's Questions section (观众提问): one posting's queue at a time,
// newest first, live as viewers ask (questions.changed), with the producer's actions on each:
// approve, hide, mark answered with a short written answer, put on air (the question lower
// third) or take off air. Postings with questions not yet looked at carry a count in the picker.
//
// Loaded before control.js, which creates one JcQuestions with its RPC client and hands it the
// questions.changed events, the postings (state.get, posting.changed) and what is on air.
// Invariants: every viewer's text goes in through textContent; the server is the judge of
// validity (its message is shown as a toast); several producers stay in sync because every
// change comes back as questions.changed and is applied the same way as one's own.
'use strict';

(function () {
  const STRINGS = {
    zh: {
      title: '观众提问', posting: '岗位', onAirPosting: '（播出中）', empty: '这个岗位还没有观众提问',
      approve: '通过', hide: '隐藏', answered: '已回答', save: '保存回答', onAir: '上屏',
      offAir: '下屏', answerPh: '简短回答（最多300字，会显示在报名页）', st_new: '待审核',
      st_approved: '已通过', st_hidden: '已隐藏', st_answered: '已回答', live: '屏幕上',
      newOnes: '{0} 条新提问', saved: '已保存', offAirAll: '撤下提问字幕',
    },
    en: {
      title: 'Viewer questions', posting: 'Posting', onAirPosting: ' (on air)',
      empty: 'No questions about this posting yet', approve: 'Approve', hide: 'Hide',
      answered: 'Answered', save: 'Save answer', onAir: 'On air', offAir: 'Off air',
      answerPh: 'Short answer (up to 300 characters, shown on the apply page)', st_new: 'new',
      st_approved: 'approved', st_hidden: 'hidden', st_answered: 'answered', live: 'on screen',
      newOnes: '{0} new', saved: 'Saved', offAirAll: 'Take the question off air',
    },
  };
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clock(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return '';
    const pad = (n) => String(n).padStart(2, '0');
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  // opts: rpc (JcRpc), lang() -> 'zh' | 'en', toast(text, bad), postings() -> [Posting],
  // onAir() -> Posting | null.
  function JcQuestions(opts) {
    this.opts = opts;
    this.postingId = 0; // the posting whose queue is shown; 0: none
    this.chosen = false; // the producer picked a posting (else it follows the one on air)
    this.list = []; // its questions, newest first
    this.unseen = {}; // posting id -> questions asked since its queue was last shown
    this.drafts = {}; // question id -> answer being typed (kept across re-renders)
    $('q-posting').addEventListener('change', () => {
      this.chosen = true;
      this.show(Number($('q-posting').value));
    });
    $('q-rows').addEventListener('click', (ev) => this.onClick(ev));
    $('q-rows').addEventListener('input', (ev) => {
      const li = ev.target.closest('[data-id]');
      if (li && ev.target.matches('textarea')) this.drafts[li.dataset.id] = ev.target.value;
    });
    $('q-off-air').addEventListener('click', () => this.act('questions.off_air', {}));
    this.relabel();
  }

  JcQuestions.prototype.t = function (key, ...args) {
    const dict = STRINGS[this.opts.lang()] || STRINGS.zh;
    let s = dict[key] !== undefined ? dict[key] : key;
    args.forEach((a, i) => { s = s.replace('{' + i + '}', String(a)); });
    return s;
  };

  JcQuestions.prototype.relabel = function () {
    document.querySelectorAll('[data-q18n]').forEach((e) => { e.textContent = this.t(e.dataset.q18n); });
    this.renderPicker();
    this.render();
  };

  // The posting to show when the producer has not picked one: the one on air, else the first.
  JcQuestions.prototype.defaultPosting = function () {
    const onAir = this.opts.onAir();
    if (onAir && onAir.id) return onAir.id;
    const all = this.opts.postings();
    return all.length ? all[0].id : 0;
  };

  // After every (re)connection.
  JcQuestions.prototype.refresh = function () {
    const id = this.chosen && this.postingId ? this.postingId : this.defaultPosting();
    return this.show(id);
  };

  // The postings or what is on air changed: the picker follows, and so does the queue shown
  // unless the producer picked one.
  JcQuestions.prototype.postingsChanged = function () {
    const id = this.chosen && this.postingId ? this.postingId : this.defaultPosting();
    this.renderPicker();
    if (id !== this.postingId) this.show(id);
  };

  JcQuestions.prototype.show = function (id) {
    this.postingId = id;
    delete this.unseen[id];
    this.renderPicker();
    if (!id) {
      this.list = [];
      this.render();
      return Promise.resolve();
    }
    return this.opts.rpc.call('questions.list', { posting_id: id }).then((res) => {
      if (res.posting_id !== this.postingId) return;
      this.list = Array.isArray(res.questions) ? res.questions : [];
      this.render();
    }, () => {});
  };

  // questions.changed: the question as it now is (asked, or changed by any producer).
  JcQuestions.prototype.changed = function (params) {
    const q = params && params.question;
    if (!q || !q.id) return;
    // Only one question is on air: another one going on takes the rest off.
    if (q.on_air) this.list.forEach((x) => { if (x.id !== q.id) x.on_air = false; });
    if (q.posting_id !== this.postingId) {
      if (q.state === 'new') this.unseen[q.posting_id] = (this.unseen[q.posting_id] || 0) + 1;
      this.renderPicker();
      this.render();
      return;
    }
    const at = this.list.findIndex((x) => x.id === q.id);
    if (at >= 0) this.list[at] = q;
    else {
      this.list.push(q);
      this.list.sort((a, b) => b.id - a.id);
    }
    this.render();
  };

  JcQuestions.prototype.renderPicker = function () {
    const sel = $('q-posting');
    const onAir = this.opts.onAir();
    const options = this.opts.postings().map((p) => {
      let label = p.title + ' · ' + p.company;
      if (onAir && onAir.id === p.id) label += this.t('onAirPosting');
      if (this.unseen[p.id]) label += ' — ' + this.t('newOnes', this.unseen[p.id]);
      const o = el('option', null, label);
      o.value = String(p.id);
      o.selected = p.id === this.postingId;
      return o;
    });
    sel.replaceChildren(...options);
    const waiting = Object.values(this.unseen).reduce((a, b) => a + b, 0);
    $('q-badge').textContent = waiting ? this.t('newOnes', waiting) : '';
  };

  JcQuestions.prototype.row = function (q) {
    const li = el('li', 'q-row q-' + String(q.state).replace(/[^a-z]/g, '') + (q.on_air ? ' q-live' : ''));
    li.dataset.id = String(q.id);
    const head = el('div', 'q-head');
    head.append(el('span', 'q-time', clock(q.created_at)),
      el('span', 'q-state', this.t('st_' + q.state)));
    if (q.on_air) head.append(el('span', 'q-onair', this.t('live')));
    li.append(head, el('p', 'q-text', q.text));
    const buttons = el('div', 'q-actions');
    const button = (act, label, primary) => {
      const b = el('button', 'btn' + (primary ? ' btn-primary' : ''), this.t(label));
      b.type = 'button';
      b.dataset.act = act;
      return b;
    };
    const shown = q.state === 'approved' || q.state === 'answered';
    if (!shown) buttons.append(button('approve', 'approve', true));
    if (q.state !== 'hidden') buttons.append(button('hide', 'hide'));
    if (q.state !== 'answered') buttons.append(button('answered', 'answered'));
    if (shown) buttons.append(q.on_air ? button('off', 'offAir') : button('on', 'onAir', true));
    li.append(buttons);
    const answer = el('div', 'q-answer');
    const box = el('textarea');
    box.maxLength = 300;
    box.rows = 1;
    box.placeholder = this.t('answerPh');
    box.value = this.drafts[q.id] !== undefined ? this.drafts[q.id] : q.answer || '';
    answer.append(box, button('save', 'save'));
    li.append(answer);
    return li;
  };

  JcQuestions.prototype.render = function () {
    const rows = $('q-rows');
    const focused = document.activeElement && rows.contains(document.activeElement)
      ? document.activeElement.closest('[data-id]') : null;
    const focusId = focused ? focused.dataset.id : null;
    rows.replaceChildren(...this.list.map((q) => this.row(q)));
    $('q-empty').hidden = this.list.length > 0;
    $('q-off-air').hidden = !this.list.some((q) => q.on_air);
    if (focusId) {
      const box = rows.querySelector('[data-id="' + focusId + '"] textarea');
      if (box) box.focus();
    }
  };

  JcQuestions.prototype.act = function (method, params) {
    return this.opts.rpc.call(method, params).then((res) => {
      if (res && res.question) this.changed({ question: res.question });
      else if (method === 'questions.off_air') {
        this.list.forEach((x) => { x.on_air = false; });
        this.render();
      }
      return res;
    }, (err) => {
      this.opts.toast(err && err.message ? err.message : String(err), true);
    });
  };

  JcQuestions.prototype.onClick = function (ev) {
    const b = ev.target.closest('button[data-act]');
    const li = ev.target.closest('[data-id]');
    if (!b || !li) return;
    const id = Number(li.dataset.id);
    const act = b.dataset.act;
    if (act === 'approve') this.act('questions.approve', { id });
    else if (act === 'hide') this.act('questions.hide', { id });
    else if (act === 'answered') this.act('questions.answer', { id });
    else if (act === 'on') this.act('questions.on_air', { id });
    else if (act === 'off') this.act('questions.off_air', {});
    else if (act === 'save') {
      const answer = li.querySelector('textarea').value;
      this.act('questions.answer', { id, answer }).then((res) => {
        if (!res) return;
        delete this.drafts[id];
        this.opts.toast(this.t('saved'));
        this.render();
      });
    }
  };

  window.JcQuestions = JcQuestions;
})();
