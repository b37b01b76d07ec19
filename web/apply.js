// The viewer's apply page, improved when JavaScript runs: checks each field as it is typed
// (the same rules as the server, control/ctl_apply.c) and sends the form to the JSON API, then
// shows the confirmation in place. Without JavaScript, or without fetch, the plain form POST
// still works. Written for old in-app browsers (WeChat on low-end Android): no modules, no
// newer syntax than ES2017. Server and viewer text is only ever set with textContent.
'use strict';

(function () {
  var form = document.querySelector('form[action="/api/apply"]');
  if (!form || !window.fetch || !window.JSON) return;
  // With SMS codes on, the server answers with the code page: the plain form POST shows it.
  if (form.getAttribute('data-verify') === 'on') return;

  var MSG = {
    name: '请填写姓名（1-40个字）',
    phone: '请填写正确的11位手机号码',
    consent: '请勾选同意后再报名',
    fix: '请检查下面标出的内容后重新提交',
    network: '网络不太好，报名还没有提交成功，请再点一次“立即报名”。',
    busy: '正在提交…',
  };
  // One text for a new and a repeated sign-up: the server does not say which it was.
  var DONE = ['报名成功',
              '用工单位会在一个工作日内给您打电话，请保持手机畅通，留意来电。同一个手机号只需报名一次。'];

  var fields = {
    name: form.querySelector('#name'),
    phone: form.querySelector('#phone'),
    consent: form.querySelector('#consent'),
  };
  var touched = { name: false, phone: false, consent: false };
  var button = form.querySelector('button[type="submit"]');
  var formError = form.querySelector('.form-error');

  // U+3000 and the other white space the server trims (g_unichar_isspace).
  var SPACE = /^[\s\u3000]+|[\s\u3000]+$/g;
  // Characters a name may not hold: controls, line/paragraph separators, bidi overrides,
  // private use and lone surrogates (checked per code point below).
  var BAD_NAME = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ue000-\uf8ff]/;

  // As on the server: no invisible characters (format characters but the joiners, Hangul
  // fillers), at most two combining marks in a row, and at least one letter.
  var INVISIBLE = /[\u115f\u1160\u3164\uffa0]|(?![\u200c\u200d])\p{Cf}/u;

  function nameOk(raw) {
    var n = raw.replace(SPACE, '');
    var chars = Array.from(n);
    if (chars.length < 1 || chars.length > 40 || BAD_NAME.test(n)) return false;
    if (INVISIBLE.test(n) || /\p{M}{3}/u.test(n) || !/\p{L}/u.test(n)) return false;
    return !/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/.test(n);
  }

  // The server's phone rule: full-width digits become ASCII, spaces and dashes go, +86 / 0086 /
  // 86 (on 13 digits) go; then 11 digits 1[3-9]xxxxxxxxx. Returns the digits or null.
  function normalisePhone(raw) {
    var digits = '';
    var plus = false;
    var chars = Array.from(raw);
    if (raw.length > 64) return null;
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      var code = c.codePointAt(0);
      if (c >= '0' && c <= '9') digits += c;
      else if (code >= 0xff10 && code <= 0xff19) digits += String.fromCharCode(48 + code - 0xff10);
      else if (c === '+' || code === 0xff0b) {
        if (digits.length || plus) return null;
        plus = true;
      } else if (!/[\s\u3000\-\u2010-\u2015\u2212\uff0d\ufe63\u30fc]/.test(c)) return null;
    }
    if (plus) {
      if (digits.indexOf('86') !== 0) return null;
      digits = digits.slice(2);
    } else if (digits.indexOf('0086') === 0) digits = digits.slice(4);
    else if (digits.length === 13 && digits.indexOf('86') === 0) digits = digits.slice(2);
    return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
  }

  function check(name) {
    if (name === 'name') return nameOk(fields.name.value);
    if (name === 'phone') return normalisePhone(fields.phone.value) !== null;
    return fields.consent.checked;
  }

  function show(name, message) {
    var box = document.getElementById(name + '-error');
    var input = fields[name];
    if (box) box.textContent = message || '';
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (box) input.setAttribute('aria-describedby', box.id);
    input.classList.toggle('invalid', !!message);
    input.classList.toggle('valid', !message && name !== 'consent' && input.value !== '');
  }

  // Checks one field; reports a problem only once the viewer has left it (or tried to send),
  // but clears the message as soon as the value becomes right.
  function validate(name) {
    var ok = check(name);
    if (ok) show(name, '');
    else if (touched[name]) show(name, MSG[name]);
    return ok;
  }

  function validateAll() {
    var first = null;
    ['name', 'phone', 'consent'].forEach(function (n) {
      touched[n] = true;
      if (!validate(n) && !first) first = n;
    });
    return first;
  }

  ['name', 'phone'].forEach(function (n) {
    fields[n].addEventListener('input', function () { validate(n); });
    // Leaving a field only adds a message, never removes one: the layout must not move
    // under a finger that is on its way to the button (the tap would miss it).
    fields[n].addEventListener('blur', function () {
      if (fields[n].value !== '') touched[n] = true;
      if (touched[n] && !check(n)) show(n, MSG[n]);
    });
  });
  fields.consent.addEventListener('change', function () {
    touched.consent = true;
    validate('consent');
  });

  function busy(on) {
    button.disabled = on;
    if (on) {
      button.dataset.label = button.textContent;
      button.textContent = MSG.busy;
    } else if (button.dataset.label) {
      button.textContent = button.dataset.label;
    }
  }

  function showDone() {
    var done = document.getElementById('done');
    document.getElementById('done-heading').textContent = DONE[0];
    document.getElementById('done-message').textContent = DONE[1];
    form.hidden = true;
    done.hidden = false;
    done.focus();
    window.scrollTo(0, 0);
  }

  // This submission's withdraw code (from the thanks URL the server answered with): the same
  // box for a new and a repeated sign-up; only the code of the one that created it acts.
  function showWithdraw(url) {
    var m = /^\/a\/\d+\/thanks\?t=([0-9A-Z]{12})$/.exec(typeof url === 'string' ? url : '');
    var box = document.getElementById('done-withdraw');
    if (!m || !box) return;
    var code = m[1];
    document.getElementById('withdraw-code').textContent =
      code.slice(0, 4) + '-' + code.slice(4, 8) + '-' + code.slice(8);
    document.getElementById('withdraw-link').href = '/a/withdraw?t=' + code;
    box.hidden = false;
  }

  function serverError(status, body) {
    var err = body && body.error ? body.error : null;
    if (status === 400 && err && fields[err.field]) {
      touched[err.field] = true;
      show(err.field, err.message);
      formError.textContent = MSG.fix;
      fields[err.field].focus();
    } else {
      formError.textContent = err && err.message ? err.message : MSG.network;
    }
  }

  form.noValidate = true; // our messages, in Chinese, instead of the browser's bubbles
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    formError.textContent = '';
    var bad = validateAll();
    if (bad) {
      formError.textContent = MSG.fix;
      fields[bad].focus();
      return;
    }
    var id = Number(form.querySelector('input[name="posting_id"]').value);
    // The server's signed note of which show was live when this page opened (attribution).
    var ref = form.querySelector('input[name="ref"]');
    // The version of the personal-data notice this page showed and the viewer agreed to.
    var version = form.querySelector('input[name="consent_version"]');
    // Where the viewer came from (the on-air QR code, a poster, a typed code): the funnel's source.
    var src = form.querySelector('input[name="src"]');
    busy(true);
    fetch('/api/apply', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'omit',
      body: JSON.stringify({ posting_id: id, name: fields.name.value, phone: fields.phone.value,
                             consent: fields.consent.checked, ref: ref ? ref.value : '',
                             src: src ? src.value : undefined,
                             consent_version: version ? Number(version.value) : undefined }),
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; },
                           function () { return { status: r.status, body: null }; });
    }).then(function (res) {
      busy(false);
      if (res.status === 201 && res.body && res.body.received === true) {
        showDone();
        showWithdraw(res.body.thanks_url);
      }
      else serverError(res.status, res.body);
    }, function () {
      busy(false);
      formError.textContent = MSG.network;
    });
  });

  // Values the server sent back with a 400 page: show their state right away.
  ['name', 'phone'].forEach(function (n) {
    if (fields[n].value !== '') {
      touched[n] = true;
      validate(n);
    }
  });
})();

// The question box: sent to the JSON API, the answer shown under it; the page stays. Without
// JavaScript the form POST answers with this page and the same note or error.
(function () {
  var form = document.querySelector('form[action="/api/questions"]');
  if (!form || !window.fetch || !window.JSON) return;
  var text = form.querySelector('textarea[name="text"]');
  var note = document.getElementById('question-note');
  var error = document.getElementById('question-error');
  var button = form.querySelector('button[type="submit"]');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    note.textContent = '';
    error.textContent = '';
    if (text.value.trim() === '') {
      error.textContent = '请填写问题（1-120个字）';
      text.focus();
      return;
    }
    button.disabled = true;
    fetch('/api/questions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'omit',
      body: JSON.stringify({ posting_id: Number(form.querySelector('input[name="posting_id"]').value),
                             text: text.value }),
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; },
                           function () { return { status: r.status, body: null }; });
    }).then(function (res) {
      button.disabled = false;
      if (res.status === 201 && res.body && res.body.received === true) {
        note.textContent = res.body.message;
        text.value = '';
      } else {
        var e = res.body && res.body.error;
        error.textContent = e && e.message ? e.message : '提交失败，请稍后再试';
      }
    }, function () {
      button.disabled = false;
      error.textContent = '网络不好，请稍后再试';
    });
  });
})();
