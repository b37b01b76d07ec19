// JcEditor: the control page's posting editor (a <dialog>): create, edit and archive postings,
// with the server's validation messages next to the field they name and a live card preview
// drawn by jobcast's own overlay code (POST /api/card.png with the unsaved draft).
//
// Loaded before control.js, which creates one JcEditor with its RPC client and strings.
// Invariants: the server is the judge of validity (the same rules answer the preview and the
// save); a save sends the version the form was loaded with, so a concurrent edit is reported
// (-32009) instead of silently overwritten; every server string goes in through textContent.
'use strict';

(function () {
  const PREVIEW_DELAY_MS = 250;
  const FIELDS = ['title', 'company', 'pay_min', 'pay_max', 'pay_unit', 'headcount', 'location',
                  'tags', 'requirements', 'talking_points'];

  // opts: rpc (JcRpc), t(key, ...args), toast(text, bad), onSaved(posting, created).
  function JcEditor(opts) {
    this.opts = opts;
    this.dialog = document.getElementById('editor');
    this.form = document.getElementById('ed-form');
    this.img = document.getElementById('ed-card');
    this.posting = null; // the saved posting being edited (null: a new one)
    this.previewTimer = 0;
    this.previewSeq = 0; // answers to older drafts are dropped
    this.noteKey = null; // the note under the preview, as a string key (null: none, or a server's)
    this.touched = new Set(); // fields typed in since opening: the preview's complaints show there
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.save();
    });
    this.form.addEventListener('input', (ev) => {
      if (ev.target && ev.target.name) this.touched.add(ev.target.name);
      this.schedulePreview();
    });
    this.form.addEventListener('change', () => this.schedulePreview());
    document.getElementById('ed-close').addEventListener('click', () => this.close());
    document.getElementById('ed-reload').addEventListener('click', () => this.reload());
    document.getElementById('ed-archive').addEventListener('click', () => this.archive());
  }

  JcEditor.prototype.t = function () {
    return this.opts.t.apply(null, arguments);
  };

  JcEditor.prototype.field = function (name) {
    return this.form.elements.namedItem(name);
  };

  // Opens the editor on posting p (null: a new posting).
  JcEditor.prototype.open = function (p) {
    this.posting = p || null;
    this.touched.clear();
    this.fill(p);
    this.clearErrors();
    document.getElementById('ed-archive').hidden = !p;
    this.showShare(p);
    this.setNote(p ? '' : 'draftQr');
    this.relabel();
    if (!this.dialog.open) this.dialog.showModal();
    this.field('title').focus();
    this.schedulePreview(0);
  };

  // A saved open posting's code to type and its poster to share in chat groups (a 9:16 PNG
  // drawn by the server's card code, its QR tagged as the poster's: GET /api/postings/poster.png).
  JcEditor.prototype.showShare = function (p) {
    const share = document.getElementById('ed-share');
    share.hidden = !p || p.archived || !p.code;
    if (share.hidden) return;
    document.getElementById('ed-code').textContent = p.code;
    const link = document.getElementById('ed-poster');
    link.href = '/api/postings/poster.png?posting_id=' + encodeURIComponent(p.id);
    link.download = 'poster-' + p.id + '-' + p.code + '.png';
  };

  // The words this editor sets itself (the data-i18n ones are the page's): again after the
  // language switched while it is open.
  JcEditor.prototype.relabel = function () {
    document.getElementById('ed-h').textContent =
      this.posting ? this.t('editPosting', this.posting.id) : this.t('newPosting');
    if (this.img.getAttribute('src')) this.img.alt = this.t('livePreview');
    if (this.noteKey) document.getElementById('ed-preview-note').textContent = this.t(this.noteKey);
  };

  // The note under the preview: a string key (translated, and again on a language switch) or
  // a server's message as it came (key null).
  JcEditor.prototype.setNote = function (key, text) {
    this.noteKey = key || null;
    document.getElementById('ed-preview-note').textContent = key ? this.t(key) : text || '';
  };

  JcEditor.prototype.close = function () {
    clearTimeout(this.previewTimer);
    this.previewSeq++;
    if (this.dialog.open) this.dialog.close();
  };

  JcEditor.prototype.isOpen = function () {
    return this.dialog.open;
  };

  JcEditor.prototype.fill = function (p) {
    const v = p || { title: '', company: '', pay_min: '', pay_max: '', pay_unit: 'day', headcount: 0,
                     location: '', tags: [], requirements: '', talking_points: '' };
    for (const name of FIELDS) {
      const input = this.field(name);
      if (name === 'tags') input.value = (v.tags || []).join('，');
      else input.value = v[name] === undefined || v[name] === null ? '' : String(v[name]);
    }
  };

  // The form as posting fields (numbers as numbers when they parse, so the server names the
  // field when they do not).
  JcEditor.prototype.draft = function () {
    const d = {};
    for (const name of FIELDS) {
      const raw = this.field(name).value;
      if (name === 'tags') {
        d.tags = raw.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
      } else if (['pay_min', 'pay_max', 'headcount'].includes(name)) {
        const n = Number(raw);
        d[name] = raw.trim() === '' || !Number.isFinite(n) ? raw : n;
      } else {
        d[name] = raw;
      }
    }
    return d;
  };

  JcEditor.prototype.clearErrors = function () {
    for (const em of this.form.querySelectorAll('.err')) em.textContent = '';
    for (const input of this.form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    document.getElementById('ed-conflict').hidden = true;
    document.getElementById('ed-error').hidden = true;
  };

  // Shows message next to field (a posting field name), or in the banner when it names none.
  JcEditor.prototype.showError = function (field, message) {
    const em = field ? this.form.querySelector('.err[data-for="' + field + '"]') : null;
    if (em) {
      em.textContent = message;
      this.field(field).setAttribute('aria-invalid', 'true');
      return;
    }
    const banner = document.getElementById('ed-error');
    banner.textContent = message;
    banner.hidden = false;
  };

  // "pay_max: must be >= pay_min" -> ["pay_max", message]
  function fieldOf(message) {
    const m = /^([a-z_]+):/.exec(message || '');
    return m && FIELDS.includes(m[1]) ? m[1] : null;
  }

  // ---- live preview: the card drawn by the server's overlay code ----
  JcEditor.prototype.schedulePreview = function (delay) {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.preview(), delay === undefined ? PREVIEW_DELAY_MS : delay);
  };

  JcEditor.prototype.preview = function () {
    const seq = ++this.previewSeq;
    const body = this.draft();
    if (this.posting) body.posting_id = this.posting.id;
    fetch('/api/card.png', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    }).then((r) => {
      if (seq !== this.previewSeq) return null;
      if (r.ok) return r.blob().then((b) => readAsDataUrl(b)).then((url) => {
        if (seq !== this.previewSeq) return;
        this.img.src = url; // a data: URL: the CSP allows img-src 'self' data: only
        this.img.alt = this.t('livePreview');
        this.form.classList.remove('preview-stale');
        // A new posting has no address yet: its QR is a placeholder until it is saved.
        this.setNote(this.posting ? '' : 'draftQr');
        // The live check: fields the server accepts lose their old message.
        for (const em of this.form.querySelectorAll('.err')) em.textContent = '';
        for (const input of this.form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
      });
      return r.json().catch(() => ({})).then((j) => {
        if (seq !== this.previewSeq) return;
        const e = (j && j.error) || {};
        this.form.classList.add('preview-stale');
        this.setNote('previewStale');
        if (r.status === 400 && e.field) {
          // A new posting's empty fields are not errors yet: only those typed in (or any, on
          // an existing posting) get the message; saving shows them all.
          for (const em of this.form.querySelectorAll('.err')) em.textContent = '';
          if (this.posting || this.touched.has(e.field)) this.showError(e.field, e.message);
        } else if (r.status === 401) {
          this.opts.onAuthLost();
        } else if (e.message) {
          this.setNote(null, e.message);
        }
      });
    }).catch(() => {});
  };

  function readAsDataUrl(blob) {
    return new Promise((resolve, reject) => {
      const fr = new FileReader();
      fr.onload = () => resolve(fr.result);
      fr.onerror = () => reject(fr.error);
      fr.readAsDataURL(blob);
    });
  }

  // ---- saving ----
  JcEditor.prototype.save = function () {
    this.clearErrors();
    const d = this.draft();
    const editing = this.posting;
    const call = editing
      ? this.opts.rpc.call('postings.update', Object.assign(d, { posting_id: editing.id, version: editing.version }))
      : this.opts.rpc.call('postings.create', d);
    const button = document.getElementById('ed-save');
    button.disabled = true;
    call.then((res) => {
      this.opts.toast(this.t(editing ? 'saved' : 'created', res.posting.title));
      this.close();
      this.opts.onSaved(res.posting, !editing);
    }).catch((e) => this.failed(e)).finally(() => { button.disabled = false; });
  };

  JcEditor.prototype.failed = function (e) {
    if (e.code === -32009) {
      document.getElementById('ed-conflict').hidden = false;
    } else if (e.code === -32602) {
      this.showError(fieldOf(e.message), e.message);
    } else {
      this.showError(null, this.t('saveFailed', e.message));
    }
  };

  // After a conflict: the newest version from the server replaces the form.
  JcEditor.prototype.reload = function () {
    if (!this.posting) return;
    this.opts.rpc.call('postings.get', { posting_id: this.posting.id }).then((res) => {
      this.open(res.posting);
      this.opts.toast(this.t('reloaded'));
    }).catch((e) => this.showError(null, e.message));
  };

  JcEditor.prototype.archive = function () {
    const p = this.posting;
    if (!p) return;
    this.clearErrors();
    this.opts.rpc.call('postings.archive', { posting_id: p.id, version: p.version }).then((res) => {
      this.opts.toast(this.t('archived', res.posting.title));
      this.close();
      this.opts.onSaved(res.posting, false);
    }).catch((e) => this.failed(e));
  };

  window.JcEditor = JcEditor;
})();
