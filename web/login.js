// The sign-in page: posts name + password to /login in the background, so a wrong password is
// said on this page (the plain form POST, without JavaScript, shows the server's 401 page).
// On success the server's redirect (/control or /host) is followed.
'use strict';

(function () {
  const DICT = {
    zh: { title: '登录导播台', name: '账号', password: '密码', go: '登录',
          hint: '也可以打开 jobcast 启动时打印的控制台链接（含 token）直接登录。', lang: 'EN',
          wrong: '账号或密码不对，请重新输入。', tooMany: '尝试次数太多，请一分钟后再试。',
          failed: '登录没有成功，请稍后再试。', checking: '正在验证…' },
    en: { title: 'Sign in to the control desk', name: 'Account', password: 'Password', go: 'Sign in',
          hint: 'You can also open the control link (with its token) that jobcast printed at start.',
          lang: '中文', wrong: 'Wrong account or password.', tooMany: 'Too many attempts; wait a minute.',
          failed: 'Signing in failed; try again later.', checking: 'Checking…' },
  };
  let lang = 'zh';
  try {
    lang = localStorage.getItem('jobcast.lang') === 'en' ? 'en' : 'zh';
  } catch (e) { /* storage may be disabled */ }

  const t = (k) => DICT[lang][k] || DICT.zh[k];
  const form = document.getElementById('login');
  const error = document.getElementById('login-error');
  const go = form.querySelector('button[type="submit"]');

  function applyLang() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
    document.getElementById('lang').textContent = t('lang');
  }

  function say(text) {
    error.textContent = text;
    error.hidden = !text;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    say('');
    go.disabled = true;
    go.textContent = t('checking');
    const body = new URLSearchParams(new FormData(form));
    fetch('/login', { method: 'POST', body, credentials: 'same-origin', redirect: 'follow' })
      .then((r) => {
        if (r.ok && r.redirected) location.assign(r.url);
        else say(r.status === 401 ? t('wrong') : r.status === 429 ? t('tooMany') : t('failed'));
      }, () => say(t('failed')))
      .finally(() => {
        go.disabled = false;
        go.textContent = t('go');
      });
  });

  document.getElementById('lang').addEventListener('click', () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    try { localStorage.setItem('jobcast.lang', lang); } catch (e) { /* ignore */ }
    applyLang();
  });
  applyLang();
})();
