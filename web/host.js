// The host monitor: what is on air in big type, its talking points, what comes next, the
// sign-up count, a clock and the time on the current posting. Read-only: it only listens
// (state.get after every connection, then on_air.changed / signup.created / preview.changed /
// audio.changed; a "静音" badge while the producer has muted the program), and the viewers'
// approved questions about the posting on air (questions.list, again on questions.changed),
// the one on screen marked.
// Everything from the server is put on the page with textContent.
'use strict';

(function () {
  const S = { postings: [], onAir: null, since: Date.now(), cuedId: null, rpc: null, muted: false,
               questions: [], questionsFor: 0 };
  const QUESTIONS_SHOWN = 4;

  function $(id) {
    return document.getElementById(id);
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  function byId(id) {
    return S.postings.find((p) => p.id === id) || null;
  }

  // What comes next: the posting cued by the producer, else the next one in the rundown.
  function next() {
    const cued = S.cuedId !== null ? byId(S.cuedId) : null;
    if (cued && (!S.onAir || cued.id !== S.onAir.id)) return cued;
    if (!S.onAir || S.postings.length < 2) return null;
    const i = S.postings.findIndex((p) => p.id === S.onAir.id);
    return S.postings[(i + 1) % S.postings.length];
  }

  // Talking points are free text: one point per line or per Chinese full stop/semicolon.
  function points(text) {
    return String(text || '').split(/\n|[；;。]\s*/).map((s) => s.trim()).filter(Boolean);
  }

  function render() {
    const p = S.onAir;
    $('title').textContent = p ? p.title : '—';
    $('pay').textContent = p ? p.pay_text : '';
    $('company').textContent = p ? p.company : '';
    const meta = p ? [p.location, '招 ' + p.headcount + ' 人', (p.tags || []).join(' · '), p.requirements]
      .filter(Boolean).join('　') : '';
    $('meta').textContent = meta;
    const list = $('points');
    list.replaceChildren();
    for (const line of points(p && p.talking_points)) {
      const li = document.createElement('li');
      li.textContent = line;
      list.append(li);
    }
    $('count').textContent = String(p ? p.signups || 0 : 0);
    const n = next();
    $('next').textContent = n ? n.title + '（' + n.pay_text + '）' : '—';
    $('muted').hidden = !S.muted;
    renderQuestions();
    tick();
  }

  // The approved (and answered) questions about the posting on air, newest first; a producer
  // opening this page is served every question, so the page keeps to the public ones itself.
  function renderQuestions() {
    const shown = S.onAir && S.questionsFor === S.onAir.id
      ? S.questions.filter((q) => q.state === 'approved' || q.state === 'answered') : [];
    shown.sort((a, b) => (b.on_air - a.on_air) || (b.id - a.id));
    const list = $('question-list');
    list.replaceChildren(...shown.slice(0, QUESTIONS_SHOWN).map((q) => {
      const li = document.createElement('li');
      if (q.on_air) li.className = 'on-screen';
      const text = document.createElement('span');
      text.className = 'q';
      text.textContent = q.text;
      li.append(text);
      if (q.answer) {
        const a = document.createElement('span');
        a.className = 'a';
        a.textContent = q.answer;
        li.append(a);
      }
      return li;
    }));
    $('questions').hidden = shown.length === 0;
  }

  function loadQuestions() {
    const id = S.onAir ? S.onAir.id : 0;
    if (!id) {
      S.questions = [];
      S.questionsFor = 0;
      render();
      return;
    }
    S.rpc.call('questions.list', { posting_id: id }).then((res) => {
      if (!S.onAir || res.posting_id !== S.onAir.id) return;
      S.questions = Array.isArray(res.questions) ? res.questions : [];
      S.questionsFor = res.posting_id;
      render();
    }).catch(() => {});
  }

  function tick() {
    const now = new Date();
    $('clock').textContent = pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds());
    const s = Math.max(0, Math.floor((Date.now() - S.since) / 1000));
    $('elapsed').textContent = pad(Math.floor(s / 60)) + ':' + pad(s % 60);
  }

  function setOnAir(p) {
    if (p && (!S.onAir || S.onAir.id !== p.id)) S.since = Date.now();
    S.onAir = p || null;
    if (p) {
      const i = S.postings.findIndex((x) => x.id === p.id);
      if (i >= 0) S.postings[i] = p;
    }
  }

  function setConn(up, text) {
    $('conn').textContent = text;
    $('conn').className = 'conn ' + (up ? 'conn-up' : 'conn-down');
    document.body.classList.toggle('is-offline', !up);
  }

  S.rpc = new window.JcRpc({
    onOpen() {
      setConn(true, '已连接');
      S.rpc.call('state.get').then((s) => {
        S.postings = Array.isArray(s.postings) ? s.postings : [];
        setOnAir(s.on_air);
        if (s.on_air_since) S.since = new Date(s.on_air_since).getTime() || S.since;
        S.cuedId = s.preview && s.preview.id ? s.preview.id : null;
        S.muted = !!(s.audio ? s.audio.muted : s.stream && s.stream.audio && s.stream.audio.muted);
        render();
        loadQuestions();
      }).catch(() => {});
    },
    onClose(delay) {
      setConn(false, '已断开，' + Math.ceil(delay / 1000) + ' 秒后重连');
    },
    onRetryTick(secs) {
      setConn(false, '已断开，' + secs + ' 秒后重连');
    },
    onNotify(method, params) {
      if (method === 'on_air.changed') {
        setOnAir(params.on_air);
        loadQuestions();
      } else if (method === 'questions.changed') {
        if (S.onAir && params.posting_id === S.onAir.id) loadQuestions();
        return;
      } else if (method === 'signup.created') {
        const p = byId(params.posting_id);
        if (p && typeof params.count === 'number') p.signups = params.count;
        if (S.onAir && S.onAir.id === params.posting_id && typeof params.count === 'number')
          S.onAir.signups = params.count;
      } else if (method === 'preview.changed') {
        S.cuedId = params.preview && params.preview.id ? params.preview.id : null;
      } else if (method === 'audio.changed') {
        S.muted = !!(params.audio && params.audio.muted);
      } else {
        return;
      }
      render();
    },
  });
  setInterval(tick, 1000);
  render();
  S.rpc.connect();
  window.jobcast = { rpc: S.rpc, state: S };
})();
