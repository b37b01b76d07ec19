// The control page's as-aired section: the as-aired log (asaired.list) as a table, newest
// first, filtered by the current show, a day and a posting, with the CSV export of the same
// filter (/api/asaired.csv). Loaded after control.js, whose live connection it borrows
// (window.jobcast.rpc); it reloads every few seconds while the page is connected.
// Every server string goes in through textContent.
'use strict';

(function () {
  const RELOAD_MS = 5000;
  const EVENTS = {
    take: '上播', clear: '撤下', slate_on: '插播垫片', slate_off: '撤下垫片',
    program_off: '节目中断', program_on: '节目恢复', output_up: '推流连上', output_down: '推流断开',
  };
  const $ = (id) => document.getElementById(id);
  const A = { before: null, rows: [], busy: false };

  function filter() {
    const f = {};
    const state = window.jobcast && window.jobcast.state;
    if ($('aa-show').checked && state && state.show && state.show.id) f.show_id = state.show.id;
    if ($('aa-day').value) f.day = $('aa-day').value;
    const posting = parseInt($('aa-posting').value, 10);
    if (posting > 0) f.posting_id = posting;
    return f;
  }

  function csvLink(f) {
    const q = new URLSearchParams();
    for (const k of Object.keys(f)) q.set(k, String(f[k]));
    const s = q.toString();
    $('aa-csv').href = '/api/asaired.csv' + (s ? '?' + s : '');
  }

  function timeOf(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    const pad = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  function render() {
    const body = $('aa-rows');
    body.textContent = '';
    for (const e of A.rows) {
      const tr = document.createElement('tr');
      tr.dataset.event = e.event;
      cell(tr, timeOf(e.at));
      cell(tr, EVENTS[e.event] || e.event,
        e.event === 'take' ? 'ev-take' : (e.event.endsWith('_off') || e.event.endsWith('_down')) ? 'ev-off' : '');
      cell(tr, e.posting_id ? '#' + e.posting_id + ' ' + e.title + (e.company ? ' · ' + e.company : '') : '');
      cell(tr, e.pay_text);
      cell(tr, e.posting_version ? 'v' + e.posting_version : '');
      cell(tr, e.actor);
      cell(tr, e.detail);
      body.appendChild(tr);
    }
    $('aa-empty').hidden = A.rows.length > 0;
    $('aa-more').hidden = A.before === null;
  }

  // more: append the next page instead of reloading the first.
  function load(more) {
    const rpc = window.jobcast && window.jobcast.rpc;
    if (!rpc || !rpc.connected || A.busy) return;
    const f = filter();
    csvLink(f);
    const params = Object.assign({ limit: 50 }, f);
    if (more && A.before) params.before_id = A.before;
    A.busy = true;
    rpc.call('asaired.list', params).then((res) => {
      A.rows = more ? A.rows.concat(res.entries) : res.entries;
      A.before = res.next_before_id;
      $('aa-error').hidden = true;
      render();
      document.body.dataset.asaired = String(A.rows.length);
    }, (e) => {
      $('aa-error').textContent = e.message;
      $('aa-error').hidden = false;
    }).finally(() => { A.busy = false; });
  }

  $('aa-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    load(false);
  });
  $('aa-show').addEventListener('change', () => load(false));
  $('aa-more').addEventListener('click', () => load(true));
  // The first page and its refreshes; older pages the producer asked for stay until a filter
  // changes.
  setInterval(() => { if (A.before === null || A.rows.length <= 50) load(false); }, RELOAD_MS);
  setTimeout(() => load(false), 300);
})();
