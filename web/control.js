// The producer's control page: preview/program like a vision mixer, the rundown (drag or
// keyboard to reorder, add/remove, the posting editor in editor.js), graphics and rotation
// controls, live sign-ups with a per-minute chart, the funnel and exports, and stream health.
//
// Talks JSON-RPC 2.0 over /api/control through JcRpc (rpc.js), which reconnects by itself;
// after every connection the whole state is fetched again (state.get), so a page that missed
// notifications while offline shows the truth again. A socket refused for lack of a session
// (expired, or signed out by a restart) sends the producer to the sign-in page, visibly.
// Invariant: every server or viewer supplied string reaches the page through textContent
// (el()), never as HTML.
'use strict';

(function () {
  const FEED_MAX = 100;
  const CHART_MINUTES = 10; // what the server keeps (stats.signups_per_minute)
  const PREVIEW_INTERVAL_MS = 250;
  const STATS_INTERVAL_MS = 5000;

  // ---- language: Chinese first, English on request (remembered in localStorage) ----
  const DICT = {
    zh: {
      title: '导播台', preview: '预监（下一个）', program: '播出中', take: '切换上播',
      keys: '↑↓ 选择 · 1–9 选岗位 · 空格/回车 上播 · M 静音', rundown: '岗位列表',
      signups: '实时报名', perMinute: '每分钟报名数（最近 10 分钟）', perPosting: '各岗位报名数',
      feed: '最新报名', feedEmpty: '还没有新的报名', health: '推流状态',
      connecting: '连接中…', connected: '已连接', offline: '已断开，{0} 秒后重连…',
      resynced: '已重新连接，状态已同步', cue: '预监', takeOne: '上播', onAirNow: '播出中',
      cued: '下一个', nothingCued: '选择下一个岗位', nothing: '没有岗位',
      people: '招 {0} 人', signupsN: '已有 {0} 人报名', total: '报名 {0}',
      takeFailed: '上播失败：{0}', offlineBanner: '与 jobcast 的连接已断开，正在重连…',
      lang: 'EN', minutesAgo: '{0} 分钟前', now: '现在',
      newPosting: '新建岗位', editPosting: '编辑岗位 #{0}', edit: '编辑', remove: '移出',
      add: '加入节目单', grip: '拖动或按 ↑↓ 调整顺序', dragHint: '拖动 ⠿ 调整顺序（或选中 ⠿ 后按 ↑↓）',
      library: '不在节目单的岗位', filled: '已招满', moved: '顺序已保存', showTitle: '直播 {0}',
      close: '关闭', conflict: '这个岗位刚被别人修改过，你的修改没有保存。重新载入最新内容后再改。',
      reload: '重新载入', fTitle: '岗位名称', fCompany: '用工单位', fPayMin: '最低工资',
      fPayMax: '最高工资', fPayUnit: '单位', uHour: '元/时', uDay: '元/天', uMonth: '元/月',
      uPiece: '元/件', fHeadcount: '招聘人数（0 = 不限）', fLocation: '工作地点',
      fTags: '标签（用逗号或空格分开，最多 8 个）', fRequirements: '要求', fTalking: '主播讲解要点',
      livePreview: '画面预览（与播出一致）', previewStale: '预览未更新：请先改正标红的内容',
      archive: '归档（下架）', save: '保存', saved: '已保存：{0}', created: '已新建：{0}',
      archived: '已归档：{0}', reloaded: '已载入最新内容', saveFailed: '保存失败：{0}',
      failed: '操作失败：{0}', controls: '画面控制', rotation: '自动轮播', rotStart: '开始轮播',
      rotStop: '停止轮播', dwell: '每个岗位（秒）', pin: '固定当前岗位',
      skipFilled: '轮播自动跳过已招满和已归档的岗位', rotOn: '轮播中，每 {0} 秒换一个岗位',
      rotPinned: '轮播已固定在当前岗位', rotOff: '轮播已停止', ticker: '滚动字幕', apply: '更新',
      lowerThird: '主播字幕条', ltName: '主播名字', ltTitle: '头衔', brandLabel: '直播间名称',
      slate: '休息画面', slateOn: '显示休息画面', slateOff: '结束休息', layout: '画面比例',
      landscape: '横屏', portrait: '竖屏', applied: '已更新', funnel: '转化（打开报名页 → 提交 → 报名成功）',
      fPosting: '岗位', fOpens: '打开', fSubmits: '提交', fSignups: '报名', fRate: '转化率',
      fContacted: '已联系', fInterviewed: '已面试', fHired: '已录用', fOnCard: '卡片显示已招',
      showFunnel: '本场：报名 {0} → 已联系 {1} → 已面试 {2} → 已录用 {3}',
      bySource: '按来源（直播二维码 · 分享海报 · 输入岗位码）', srcSource: '来源',
      src_stream: '直播二维码', src_poster: '分享海报', src_code: '输入岗位码',
      postingCode: '岗位码', downloadPoster: '下载分享海报（PNG）',
      privacy: '个人信息保护',
      privacyKeep: '报名信息保存 {0} 天，到期自动删除（每小时检查）。', privacyForever: '报名信息长期保存（未设保存期限）。',
      privacyLast: '上次清理：{0}，删除 {1} 条。', privacyNever: '还没有清理过。',
      export: '按用工单位导出报名表（CSV）', exportN: '{0}（{1} 人）', outputs: '推流地址',
      noOutputs: '没有配置推流地址（只录制）', expired: '登录已过期，请重新登录。', signIn: '去登录',
      hProgram: '播出', hUptime: '已播', hInput: '信号源', hFps: '帧率', hRecording: '录制',
      hFree: '剩余空间', retryIn: '{0} 秒后重连', kbps: '{0} kbps', dropped: '丢帧 {0}',
      upFor: '已连续 {0}', attempts: '重试 {0} 次', st_playing: '正常', st_starting: '启动中',
      st_live: '正常', st_connecting: '连接中', st_reconnecting: '重连中', st_failed: '失败',
      st_stopped: '已停止', st_slate: '无信号（显示备用画面）', st_recording: '录制中', st_off: '未录制',
      st_error: '出错', st_built: '准备中', st_stopping: '停止中', 'st_disk-full': '磁盘已满，停止录制',
      mute: '静音', unmute: '取消静音', mutedBanner: '已静音：观众听不到声音（按 M 恢复）',
      qrAlarm: '二维码扫不出来：观众可能无法扫码报名，请检查画面', hQr: '二维码回读',
      hProvince: '省平台同步', pv_up: '正常', pv_connecting: '连接中', pv_down: '连不上，稍后重试',
      pv_error: '出错', pvBacklog: '待同步 {0} 条，最早 {1} 秒前',
      qr_ok: '能扫出', qr_unreadable: '扫不出', qr_wrong: '扫出的不是当前岗位', qr_idle: '不需要（无岗位或休息中）',
      qr_waiting: '等待检查', qr_off: '未检查（没有编码）',
      mutedToast: '已静音', unmutedToast: '声音已恢复', audioLevel: '音量', silence: '无声',
      src_input: '信号源的声音', src_device: '外接话筒', src_silence: '没有声音来源',
      dev_connecting: '话筒连接中', dev_live: '话筒正常', dev_failed: '话筒断开，正在重连',
      dev_stopped: '话筒已停止', theme: '画面主题', themeApplied: '主题已切换：{0}', theme_default: '默认',
      draftQr: '二维码在保存后生成',
    },
    en: {
      title: 'Control desk', preview: 'Preview (next)', program: 'On air', take: 'Take',
      keys: '↑↓ cue · 1–9 slot · Space/Enter take · M mute', rundown: 'Rundown',
      signups: 'Sign-ups', perMinute: 'Sign-ups per minute (last 10 min)',
      perPosting: 'Per posting', feed: 'Latest', feedEmpty: 'No sign-ups yet',
      health: 'Stream health', connecting: 'Connecting…', connected: 'Connected',
      offline: 'Offline, retrying in {0} s…', resynced: 'Reconnected, state resynchronised',
      cue: 'Cue', takeOne: 'Take', onAirNow: 'On air', cued: 'Next',
      nothingCued: 'Cue the next posting', nothing: 'No postings', people: '{0} wanted',
      signupsN: '{0} signed up', total: '{0} sign-ups', takeFailed: 'Take failed: {0}',
      offlineBanner: 'Connection to jobcast lost, reconnecting…', lang: '中文',
      minutesAgo: '{0} min ago', now: 'now',
      newPosting: 'New posting', editPosting: 'Edit posting #{0}', edit: 'Edit', remove: 'Remove',
      add: 'Add to rundown', grip: 'Drag, or press ↑↓, to reorder',
      dragHint: 'Drag ⠿ to reorder (or focus ⠿ and press ↑↓)', library: 'Not in the rundown',
      filled: 'Filled', moved: 'Order saved', showTitle: 'Show {0}', close: 'Close',
      conflict: 'Someone else changed this posting; your changes were not saved. Reload the latest version and edit again.',
      reload: 'Reload', fTitle: 'Title', fCompany: 'Employer', fPayMin: 'Pay from', fPayMax: 'Pay to',
      fPayUnit: 'Per', uHour: 'hour', uDay: 'day', uMonth: 'month', uPiece: 'piece',
      fHeadcount: 'Headcount (0 = open)', fLocation: 'Place',
      fTags: 'Tags (comma or space separated, up to 8)', fRequirements: 'Requirements',
      fTalking: 'Talking points for the host', livePreview: 'Card preview (as on air)',
      previewStale: 'Preview not updated: fix the marked fields first',
      archive: 'Archive', save: 'Save', saved: 'Saved: {0}', created: 'Created: {0}',
      archived: 'Archived: {0}', reloaded: 'Latest version loaded', saveFailed: 'Saving failed: {0}',
      failed: 'Failed: {0}', controls: 'Graphics', rotation: 'Auto-rotation', rotStart: 'Start rotation',
      rotStop: 'Stop rotation', dwell: 'Seconds per posting', pin: 'Pin the current posting',
      skipFilled: 'Rotation skips filled and archived postings', rotOn: 'Rotating every {0} s',
      rotPinned: 'Rotation pinned to the current posting', rotOff: 'Rotation off', ticker: 'Ticker',
      apply: 'Apply', lowerThird: 'Lower third', ltName: 'Host name', ltTitle: 'Title',
      brandLabel: 'Room name', slate: 'Break slate', slateOn: 'Show break slate', slateOff: 'End break',
      layout: 'Layout', landscape: 'landscape', portrait: 'portrait', applied: 'Applied',
      funnel: 'Funnel (page opens → submits → sign-ups)', fPosting: 'Posting', fOpens: 'Opens',
      fSubmits: 'Submits', fSignups: 'Sign-ups', fRate: 'Rate', fContacted: 'Contacted',
      fInterviewed: 'Interviewed', fHired: 'Hired', fOnCard: 'Hires on card',
      showFunnel: 'This show: {0} sign-ups → {1} contacted → {2} interviewed → {3} hired', export: 'Export sign-ups per employer (CSV)',
      bySource: 'By source (on-air QR · shared poster · typed code)', srcSource: 'Source',
      src_stream: 'On-air QR code', src_poster: 'Shared poster', src_code: 'Typed code',
      postingCode: 'Code', downloadPoster: 'Download poster (PNG)',
      privacy: 'Personal data', privacyKeep: 'Sign-ups are kept {0} days, then deleted (checked hourly).',
      privacyForever: 'Sign-ups are kept with no time limit.', privacyLast: 'Last purge: {0}, {1} deleted.',
      privacyNever: 'No purge yet.',
      exportN: '{0} ({1})', outputs: 'Outputs', noOutputs: 'No outputs configured (recording only)',
      expired: 'Your session has expired. Please sign in again.', signIn: 'Sign in',
      hProgram: 'Program', hUptime: 'On air for', hInput: 'Input', hFps: 'fps', hRecording: 'Recording',
      hFree: 'Free space', retryIn: 'retrying in {0} s', kbps: '{0} kbps', dropped: '{0} dropped',
      upFor: 'up {0}', attempts: '{0} retries', st_playing: 'playing', st_starting: 'starting',
      st_live: 'live', st_connecting: 'connecting', st_reconnecting: 'reconnecting', st_failed: 'failed',
      st_stopped: 'stopped', st_slate: 'no signal (slate)', st_recording: 'recording', st_off: 'off',
      st_error: 'error', st_built: 'built', st_stopping: 'stopping', 'st_disk-full': 'disk full, recording stopped',
      mute: 'Mute', unmute: 'Unmute', mutedBanner: 'MUTED: viewers hear nothing (M to unmute)',
      qrAlarm: 'QR code does not scan: viewers may not be able to apply, check the picture', hQr: 'QR read-back',
      hProvince: 'Province sync', pv_up: 'up', pv_connecting: 'connecting', pv_down: 'unreachable, retrying',
      pv_error: 'error', pvBacklog: '{0} waiting, oldest {1} s ago',
      qr_ok: 'reads', qr_unreadable: 'unreadable', qr_wrong: 'reads another posting', qr_idle: 'not needed (nothing on air, or a break)',
      qr_waiting: 'waiting for a check', qr_off: 'not checked (nothing encoded)',
      mutedToast: 'Muted', unmutedToast: 'Sound back on', audioLevel: 'Audio level', silence: 'silence',
      src_input: 'input sound', src_device: 'microphone', src_silence: 'no sound source',
      dev_connecting: 'microphone connecting', dev_live: 'microphone live',
      dev_failed: 'microphone lost, reopening', dev_stopped: 'microphone stopped', theme: 'Theme',
      themeApplied: 'Theme: {0}', theme_default: 'default', draftQr: 'The QR code is made when you save',
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
    rundown: [], // posting ids of the current show's rundown, in order ([]: every posting by id)
    graphics: null,
    rotation: null,
    stats: null, // stats.get: {funnel, signups_per_minute}
    stream: null,
    streamAt: 0, // Date.now() when stream arrived (retry countdowns tick from there)
    editor: null,
    audio: null, // {muted}: what the producer set (state.get, audio.set, audio.changed)
    privacy: null, // privacy.get / privacy.purged: retention period and the last purge
    themes: null, // graphics.themes: the names graphics.theme accepts (null: not asked yet)
    authLost: false,
    opened: false, // the current socket opened (a close before that may be an auth refusal)
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
    for (const node of document.querySelectorAll('[data-i18n-ph]')) node.placeholder = t(node.dataset.i18nPh);
    for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
    for (const b of [$('lang'), $('ed-lang')]) {
      b.textContent = t('lang');
      b.lang = S.lang === 'zh' ? 'en' : 'zh-CN';
    }
    if (S.editor) S.editor.relabel();
    if (S.outputs) S.outputs.relabel();
    if (S.employers) S.employers.relabel();
    if (S.questions) S.questions.relabel();
    renderConn();
    renderAll();
    if (S.stream) renderHealth();
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

  // The postings in rundown order: the current show's rundown, or (when it is empty) every
  // posting by id, which is also what the server's next/previous and rotation step through.
  function sequence() {
    if (!S.rundown.length) return S.postings;
    return S.rundown.map(byId).filter(Boolean);
  }

  // Postings that are not in a non-empty rundown (they can be added back).
  function library() {
    if (!S.rundown.length) return [];
    const inRundown = new Set(S.rundown);
    return S.postings.filter((p) => !inRundown.has(p.id));
  }

  // Filled means hired (the server's rule: hires reached headcount, or its employer closed it).
  function isFilled(p) {
    return !!p.filled;
  }

  function totalSignups() {
    return S.postings.reduce((n, p) => n + (p.signups || 0), 0);
  }

  // The posting after the one on air in the rundown (wrapping), what a producer usually cues.
  function nextAfter(id) {
    const seq = sequence();
    if (!seq.length) return null;
    const i = seq.findIndex((p) => p.id === id);
    return seq[(i + 1) % seq.length];
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

  // The cued posting's card as the overlay will draw it (GET /api/card.png); the HTML card
  // stands in until it loads, or if it cannot be drawn. The URL changes with the posting's
  // version and the layout, so an edit or a layout switch redraws it.
  function previewCard(p) {
    const box = $('preview');
    if (!p) {
      box.replaceChildren(card(null, 'pvw'));
      return;
    }
    const layout = (S.graphics && S.graphics.layout) || '16:9';
    const src = '/api/card.png?posting_id=' + p.id + '&v=' + p.version + '&signups=' + (p.signups || 0) +
                '&layout=' + encodeURIComponent(layout) +
                '&theme=' + encodeURIComponent((S.graphics && S.graphics.theme) || 'default');
    const shown = box.querySelector('img.card-png');
    if (shown && shown.dataset.src === src) return;
    const img = el('img', 'card-png');
    img.alt = p.title;
    img.dataset.src = src;
    img.dataset.id = String(p.id);
    img.addEventListener('load', () => {
      if (!img.isConnected) box.replaceChildren(img);
      box.classList.toggle('portrait', layout === '9:16');
    });
    img.addEventListener('error', () => { if (!img.isConnected) img.remove(); });
    if (!shown) box.replaceChildren(card(p, 'pvw'));
    img.src = src;
  }

  function renderMonitors() {
    previewCard(cued());
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

  function button(cls, text, action, title) {
    const b = el('button', 'btn ' + cls, text);
    b.type = 'button';
    b.dataset.action = action;
    if (title) b.title = title;
    return b;
  }

  function renderPostings() {
    const list = $('postings');
    const focused = document.activeElement && document.activeElement.closest &&
                    document.activeElement.closest('.posting');
    const refocus = focused && document.activeElement.classList.contains('grip') ? focused.dataset.id : null;
    list.replaceChildren();
    sequence().forEach((p, i) => {
      const onAir = S.onAir && S.onAir.id === p.id;
      const isCued = S.cuedId === p.id;
      const li = el('li', 'posting' + (onAir ? ' is-onair' : '') + (isCued ? ' is-cued' : ''));
      li.dataset.id = String(p.id);
      li.draggable = true;
      const grip = button('grip', '⠿', 'grip', t('grip'));
      grip.setAttribute('aria-label', t('grip') + ': ' + p.title);
      li.append(grip, el('span', 'slot', i < 9 ? String(i + 1) : ''));
      const info = el('div', 'posting-info');
      info.append(el('div', 'posting-title', p.title),
                  el('div', 'posting-meta', p.company + ' · ' + p.pay_text));
      li.append(info, el('span', 'posting-count', String(p.signups || 0)));
      if (isFilled(p)) li.append(el('span', 'state-tag tag-filled', t('filled')));
      if (onAir) li.append(el('span', 'state-tag tag-pgm', t('onAirNow')));
      else if (isCued) li.append(el('span', 'state-tag tag-pvw', t('cued')));
      const takeBtn = button('take', onAir ? t('onAirNow') : t('takeOne'), 'take');
      takeBtn.disabled = onAir;
      li.append(button('edit', t('edit'), 'edit'), button('remove', t('remove'), 'remove'),
                button('cue', t('cue'), 'cue'), takeBtn);
      list.append(li);
    });
    if (refocus) {
      const g = list.querySelector('.posting[data-id="' + refocus + '"] .grip');
      if (g) g.focus();
    }
    const lib = library();
    const box = $('library');
    box.replaceChildren();
    for (const p of lib) {
      const li = el('li', 'lib-item');
      li.dataset.id = String(p.id);
      const info = el('div', 'posting-info');
      info.append(el('div', 'posting-title', p.title),
                  el('div', 'posting-meta', p.company + ' · ' + p.pay_text));
      li.append(info, button('edit', t('edit'), 'edit'), button('add', t('add'), 'add'));
      box.append(li);
    }
    $('library-n').textContent = String(lib.length);
    $('library-box').hidden = lib.length === 0;
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

  // opens -> submits -> sign-ups per posting, from stats.get (kept by the server since start).
  function renderFunnel() {
    const body = $('funnel').tBodies[0];
    body.replaceChildren();
    const funnel = (S.stats && S.stats.funnel) || {};
    for (const p of S.postings) {
      const f = funnel[String(p.id)] || { opens: 0, submits: 0, signups: p.signups || 0 };
      if (!f.opens && !f.submits && !f.signups) continue;
      const tr = el('tr', 'funnel-row');
      tr.dataset.id = String(p.id);
      const rate = f.opens ? Math.round((f.submits / f.opens) * 100) + '%' : '–';
      tr.append(el('td', 'f-title', p.title), el('td', 'f-opens', f.opens), el('td', 'f-submits', f.submits),
                el('td', 'f-signups', f.signups), el('td', 'f-rate', rate),
                el('td', 'f-contacted', f.contacted || 0), el('td', 'f-interviewed', f.interviewed || 0),
                el('td', 'f-hired', f.hired || 0));
      // The card's 已招 N 人 for this posting (postings.show_hires; off by default).
      const box = el('input', 'f-oncard');
      box.type = 'checkbox';
      box.checked = !!p.show_hires;
      box.addEventListener('change', () => {
        S.rpc.call('postings.show_hires', { posting_id: p.id, on: box.checked }).then(() => {
          p.show_hires = box.checked;
        }, (e) => { box.checked = !box.checked; toast(e && e.message ? e.message : String(e), true); });
      });
      const cell = el('td', 'f-card');
      cell.append(box);
      tr.append(cell);
      body.append(tr);
    }
    // The show's funnel to hired (stats.get's show; none outside a show).
    const sf = S.stats && S.stats.show;
    const line = $('show-funnel');
    line.hidden = !sf;
    line.textContent = sf ? t('showFunnel', sf.signups, sf.contacted, sf.interviewed, sf.hired) : '';
  }

  // Page opens and sign-ups by where viewers came from (stats.get's by_source totals).
  function renderSources() {
    const body = $('by-source').tBodies[0];
    body.replaceChildren();
    const total = (S.stats && S.stats.by_source && S.stats.by_source.total) || {};
    for (const src of ['stream', 'poster', 'code']) {
      const f = total[src] || { opens: 0, signups: 0 };
      const tr = el('tr', 'source-row');
      tr.dataset.source = src;
      tr.append(el('td', 's-name', t('src_' + src)), el('td', 's-opens', f.opens),
                el('td', 's-signups', f.signups));
      body.append(tr);
    }
  }

  // One CSV download link per employer (GET /api/export.csv, the session cookie authorises it).
  function renderExports() {
    const list = $('exports');
    list.replaceChildren();
    const per = new Map();
    for (const p of S.postings) per.set(p.company, (per.get(p.company) || 0) + (p.signups || 0));
    for (const [company, n] of [...per.entries()].sort((a, b) => b[1] - a[1])) {
      const li = el('li');
      const a = el('a', 'export-link', t('exportN', company, n));
      a.href = '/api/export.csv?employer=' + encodeURIComponent(company);
      a.download = 'signups-' + company.replace(/[\\/:*?"<>|\s]+/g, '_') + '.csv';
      li.append(a);
      list.append(li);
    }
  }

  function renderAll() {
    renderMonitors();
    renderPostings();
    renderCounts();
    renderChart();
    renderFeed();
    renderFunnel();
    renderSources();
    renderExports();
    renderControls();
    renderAudio();
    renderTimes();
    renderPrivacy(S.privacy);
  }

  function renderTimes() {
    $('clock').textContent = new Date().toLocaleTimeString('zh-CN', { hour12: false });
    $('onair-time').textContent = S.onAir ? fmtDuration(Date.now() - S.onAirSince) : '';
  }

  // ---- stream health (shown once the server reports it: stream.status) ----
  function stateText(st) {
    const key = 'st_' + st;
    return DICT.zh[key] ? t(key) : String(st || '?');
  }

  function stateClass(st) {
    return 'st-' + String(st || 'unknown').replace(/[^a-z_-]/gi, '');
  }

  function mb(bytes) {
    return bytes >= 1e9 ? (bytes / 1e9).toFixed(2) + ' GB' : (bytes / 1e6).toFixed(1) + ' MB';
  }

  // Seconds left until a retry announced `retry_in` seconds before the status arrived.
  function countdown(retryIn) {
    return Math.max(0, Math.ceil(retryIn - (Date.now() - S.streamAt) / 1000));
  }

  function renderHealth() {
    const status = S.stream;
    if (!status || typeof status !== 'object') return;
    $('health').hidden = false;
    const dl = $('health-summary');
    dl.replaceChildren();
    const row = (label, value, cls) => {
      const dd = el('dd', cls || null, value);
      dl.append(el('dt', null, label), dd);
    };
    row(t('hProgram'), stateText(status.program), stateClass(status.program));
    if (typeof status.running === 'number') row(t('hUptime'), fmtDuration(status.running * 1000), 'h-uptime');
    const input = status.input || {};
    const inParts = [stateText(input.state)];
    if (input.state !== 'live' && input.retry_in > 0) inParts.push(t('retryIn', countdown(input.retry_in)));
    if (input.error) inParts.push(input.error);
    row(t('hInput'), inParts.join(' · '), stateClass(input.state));
    if (typeof input.fps === 'number') row(t('hFps'), input.fps.toFixed(1) + (input.dropped ? ' · ' + t('dropped', input.dropped) : ''), 'h-fps');
    const rec = status.recording || {};
    const recParts = [stateText(rec.state)];
    if (rec.path) recParts.push(String(rec.path).split('/').pop());
    if (rec.bytes) recParts.push(mb(rec.bytes));
    row(t('hRecording'), recParts.join(' · '), stateClass(rec.state));
    if (typeof rec.free_mb === 'number') row(t('hFree'), mb(rec.free_mb * 1e6), 'h-free');
    // The QR read-back monitor: what a viewer's scan of the platform's stream would find.
    const qr = status.qr || {};
    if (qr.state) row(t('hQr'), DICT.zh['qr_' + qr.state] ? t('qr_' + qr.state) : String(qr.state), 'h-qr qr-' + stateClass(qr.state));
    $('pgm-qr-alarm').hidden = !qr.alarm;
    // The province link (with --province): its state and what waits to be shipped.
    const pv = status.province;
    if (pv && typeof pv === 'object') {
      const parts = [DICT.zh['pv_' + pv.state] ? t('pv_' + pv.state) : String(pv.state)];
      if (pv.outbox_rows > 0) parts.push(t('pvBacklog', pv.outbox_rows, Math.round(pv.lag_seconds || 0)));
      if (pv.error) parts.push(pv.error);
      row(t('hProvince') + ' ' + String(pv.market || ''), parts.join(' · '), 'h-province ' + stateClass(pv.state));
    }

    const outputs = Array.isArray(status.outputs) ? status.outputs : [];
    const list = $('outputs');
    list.replaceChildren();
    for (const o of outputs) {
      const st = String(o.state || '');
      const li = el('li', 'output output-' + st.replace(/[^a-z_-]/gi, ''));
      li.append(el('span', 'output-name', o.uri || o.name || '?'), el('span', 'output-state', stateText(st)));
      const meta = [];
      if ((st === 'reconnecting' || st === 'connecting') && o.retry_in > 0)
        meta.push(el('span', 'output-retry', t('retryIn', countdown(o.retry_in))));
      if (typeof o.kbps === 'number') meta.push(el('span', 'output-kbps', t('kbps', Math.round(o.kbps))));
      if (typeof o.dropped === 'number') meta.push(el('span', 'output-dropped', t('dropped', o.dropped)));
      if (o.uptime > 0) meta.push(el('span', 'output-uptime', t('upFor', fmtDuration(o.uptime * 1000))));
      if (o.attempts > 0) meta.push(el('span', 'output-attempts', t('attempts', o.attempts)));
      if (o.error) meta.push(el('span', 'output-error', o.error));
      const m = el('span', 'output-meta');
      m.append(...meta);
      li.append(m);
      list.append(li);
    }
    $('outputs-empty').hidden = outputs.length > 0;
  }

  function setStream(status) {
    if (!status || typeof status !== 'object') return;
    S.stream = status;
    S.streamAt = Date.now();
    renderHealth();
    renderAudio();
  }

  // ---- graphics and rotation controls ----
  // Inputs show the server's value unless the producer is typing in them.
  function setValue(input, value) {
    if (document.activeElement !== input) input.value = value === undefined || value === null ? '' : String(value);
  }

  function renderControls() {
    const g = S.graphics;
    if (g) {
      setValue($('g-ticker'), g.ticker);
      setValue($('g-lt-name'), g.lower_third && g.lower_third.name);
      setValue($('g-lt-title'), g.lower_third && g.lower_third.title);
      setValue($('g-brand'), g.brand);
      setValue($('g-slate'), g.slate && g.slate.text);
      const on = !!(g.slate && g.slate.on);
      $('slate-toggle').textContent = on ? t('slateOff') : t('slateOn');
      $('slate-toggle').classList.toggle('is-active', on);
      for (const r of document.querySelectorAll('#f-layout input[name="layout"]')) r.checked = r.value === g.layout;
      renderThemes();
    }
    // Both monitors take the program's shape: a 9:16 box in portrait, re-laid out live.
    document.body.classList.toggle('layout-portrait', !!g && g.layout === '9:16');
    const r = S.rotation;
    if (r) {
      $('rot-toggle').textContent = r.on ? t('rotStop') : t('rotStart');
      $('rot-toggle').classList.toggle('is-active', !!r.on);
      setValue($('rot-dwell'), r.dwell_s);
      $('rot-pin').checked = !!r.pinned;
      $('rot-state').textContent = !r.on ? t('rotOff') : r.pinned ? t('rotPinned') : t('rotOn', r.dwell_s);
    }
  }

  function act(method, params) {
    return S.rpc.call(method, params).catch((e) => {
      toast(t('failed', e.message), true);
      throw e;
    });
  }

  function onGraphicsResult(res) {
    if (res && res.graphics) S.graphics = res.graphics;
    renderControls();
    renderMonitors();
    toast(t('applied'));
  }

  function bindControls() {
    $('rot-toggle').addEventListener('click', () => {
      const on = S.rotation && S.rotation.on;
      const dwell = Number($('rot-dwell').value);
      const p = on ? act('rotation.stop') : act('rotation.start', Number.isInteger(dwell) ? { dwell_s: dwell } : {});
      p.then((res) => { if (res && res.rotation) S.rotation = res.rotation; renderControls(); }, () => {});
    });
    $('rot-dwell').addEventListener('change', () => {
      const dwell = Number($('rot-dwell').value);
      if (S.rotation && S.rotation.on && Number.isInteger(dwell))
        act('rotation.start', { dwell_s: dwell }).then((res) => { S.rotation = res.rotation; renderControls(); }, () => {});
    });
    $('rot-pin').addEventListener('change', () => {
      act('rotation.pin', { pinned: $('rot-pin').checked })
        .then((res) => { S.rotation = res.rotation; renderControls(); }, () => renderControls());
    });
    const form = (id, fn) => $(id).addEventListener('submit', (ev) => {
      ev.preventDefault();
      fn().then(onGraphicsResult, () => {});
    });
    form('f-ticker', () => act('graphics.ticker', { text: $('g-ticker').value }));
    form('f-lower', () => act('graphics.lower_third', { name: $('g-lt-name').value, title: $('g-lt-title').value }));
    form('f-brand', () => act('graphics.brand', { text: $('g-brand').value }));
    form('f-slate', () => act('graphics.slate', {
      on: !(S.graphics && S.graphics.slate && S.graphics.slate.on), text: $('g-slate').value }));
    $('f-layout').addEventListener('change', (ev) => {
      if (ev.target.name === 'layout') act('graphics.layout', { layout: ev.target.value }).then(onGraphicsResult, () => renderControls());
    });
  }

  // ---- themes (graphics.themes; the choice is hidden while there is only one) ----
  function themeLabel(name) {
    return name === 'default' ? t('theme_default') : name;
  }

  function renderThemes() {
    const box = $('f-theme');
    const names = S.themes || [];
    box.hidden = names.length < 2;
    if (box.hidden) return;
    const sel = $('g-theme');
    const current = (S.graphics && S.graphics.theme) || 'default';
    const have = [...sel.options].map((o) => o.value);
    if (have.join('\n') !== names.join('\n')) {
      sel.replaceChildren(...names.map((n) => {
        const o = el('option', null, themeLabel(n));
        o.value = n;
        return o;
      }));
    } else {
      for (const o of sel.options) o.textContent = themeLabel(o.value);
    }
    if (document.activeElement !== sel || sel.value !== current) sel.value = current;
  }

  function loadThemes() {
    S.rpc.callOptional('graphics.themes').then((res) => {
      S.themes = res && Array.isArray(res.themes) ? res.themes : [];
      renderThemes();
    }).catch(() => {});
  }

  // ---- sound: mute/unmute (audio.set) and the level meter (stream.status audio) ----
  const METER_FLOOR_DB = -60;

  // The producer's setting wins; before it is known, what the streamer reports.
  function isMuted() {
    if (S.audio) return !!S.audio.muted;
    return !!(S.stream && S.stream.audio && S.stream.audio.muted);
  }

  function meterShare(db) {
    if (typeof db !== 'number' || !Number.isFinite(db)) return 0;
    return Math.min(1, Math.max(0, (db - METER_FLOOR_DB) / -METER_FLOOR_DB));
  }

  function renderAudio() {
    const muted = isMuted();
    const btn = $('mute');
    btn.classList.toggle('is-muted', muted);
    btn.setAttribute('aria-pressed', String(muted));
    $('mute-label').textContent = muted ? t('unmute') : t('mute');
    $('pgm-muted').hidden = !muted;
    document.body.classList.toggle('is-muted', muted);
    const a = (S.stream && S.stream.audio) || null;
    const meter = $('meter');
    const level = a && typeof a.level_dbfs === 'number' ? a.level_dbfs : null;
    const peak = a && typeof a.peak_dbfs === 'number' ? a.peak_dbfs : level;
    // Widths through CSS custom properties set from script: allowed by style-src 'self'.
    meter.style.setProperty('--level', (meterShare(level) * 100).toFixed(1) + '%');
    meter.style.setProperty('--peak', (meterShare(peak) * 100).toFixed(1) + '%');
    meter.classList.toggle('meter-hot', typeof peak === 'number' && peak > -6);
    meter.classList.toggle('meter-muted', muted);
    meter.setAttribute('aria-valuenow', String(Math.round(Math.max(METER_FLOOR_DB, level === null ? METER_FLOOR_DB : level))));
    $('audio-db').textContent = level === null ? '–' : level <= -100 ? t('silence') : Math.round(level) + ' dB';
    const parts = [];
    if (a && a.source) parts.push(DICT.zh['src_' + a.source] ? t('src_' + a.source) : String(a.source));
    if (a && a.device_state && a.device_state !== 'off') {
      const key = 'dev_' + a.device_state;
      let dev = DICT.zh[key] ? t(key) : String(a.device_state);
      if (a.device_state === 'failed' && a.device_retry_in > 0) dev += ' · ' + t('retryIn', countdown(a.device_retry_in));
      parts.push(dev);
    }
    const src = $('audio-src');
    src.textContent = parts.join(' · ');
    src.classList.toggle('audio-bad', !!(a && (a.device_state === 'failed' || a.source === 'silence')));
  }

  function toggleMute() {
    const want = !isMuted();
    act('audio.set', { muted: want }).then((res) => {
      if (res && res.audio) S.audio = res.audio;
      renderAudio();
      toast(t(isMuted() ? 'mutedToast' : 'unmutedToast'), isMuted());
    }, () => {});
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
    const seq = sequence();
    if (!seq.length) return;
    const from = S.cuedId !== null ? S.cuedId : S.onAir ? S.onAir.id : null;
    let i = seq.findIndex((p) => p.id === from);
    if (i < 0) i = step > 0 ? -1 : 0;
    i = (i + step + seq.length) % seq.length;
    cue(seq[i].id);
  }

  // ---- rundown editing ----
  // The rundown methods need a current show: the first edit of a fresh studio creates one.
  function ensureShow() {
    if (S.show) return Promise.resolve(S.show);
    const day = new Date().toLocaleDateString('zh-CN');
    return act('shows.create', { title: t('showTitle', day) }).then((res) => {
      S.show = res.show;
      return res.show;
    });
  }

  function setRundown(ids) {
    S.rundown = ids.slice(); // at once, so the row stays where it was dropped
    renderPostings();
    return ensureShow()
      .then(() => act('rundown.set', { posting_ids: ids }))
      .then((res) => {
        S.rundown = res.rundown;
        renderAll();
      }, () => resync().catch(() => {}));
  }

  // Moves posting id to index `to` of the sequence shown.
  function moveTo(id, to) {
    const ids = sequence().map((p) => p.id);
    const from = ids.indexOf(id);
    if (from < 0 || to < 0 || to >= ids.length || from === to) return Promise.resolve();
    ids.splice(from, 1);
    ids.splice(to, 0, id);
    return setRundown(ids).then(() => toast(t('moved')));
  }

  function removeFromRundown(id) {
    setRundown(sequence().map((p) => p.id).filter((x) => x !== id));
  }

  function addToRundown(id) {
    setRundown(sequence().map((p) => p.id).concat([id]));
  }

  // HTML5 drag and drop of rundown rows; the row is dropped before or after the one under the
  // pointer, depending on which half of it the pointer is in.
  function bindDrag() {
    const list = $('postings');
    let dragged = null;
    const clearMarks = () => {
      for (const x of list.querySelectorAll('.drop-before, .drop-after')) x.classList.remove('drop-before', 'drop-after');
    };
    list.addEventListener('dragstart', (ev) => {
      const li = ev.target.closest && ev.target.closest('.posting');
      if (!li) return;
      dragged = Number(li.dataset.id);
      li.classList.add('dragging');
      ev.dataTransfer.effectAllowed = 'move';
      ev.dataTransfer.setData('text/plain', li.dataset.id);
    });
    list.addEventListener('dragover', (ev) => {
      const li = ev.target.closest && ev.target.closest('.posting');
      if (dragged === null || !li) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = 'move';
      const r = li.getBoundingClientRect();
      const after = ev.clientY > r.top + r.height / 2;
      clearMarks();
      li.classList.add(after ? 'drop-after' : 'drop-before');
    });
    list.addEventListener('drop', (ev) => {
      const li = ev.target.closest && ev.target.closest('.posting');
      if (dragged === null || !li) return;
      ev.preventDefault();
      const after = li.classList.contains('drop-after');
      const ids = sequence().map((p) => p.id);
      const target = Number(li.dataset.id);
      const from = ids.indexOf(dragged);
      let to = ids.indexOf(target) + (after ? 1 : 0);
      if (from < to) to--;
      const id = dragged;
      dragged = null;
      clearMarks();
      moveTo(id, to);
    });
    list.addEventListener('dragend', () => {
      dragged = null;
      clearMarks();
      for (const x of list.querySelectorAll('.dragging')) x.classList.remove('dragging');
    });
  }

  // ---- the session ----
  // A socket that closes before it ever opened may have been refused for lack of a session:
  // ask an authenticated URL; a 401 means the producer has to sign in again.
  function checkAuth() {
    fetch('/api/preview.jpg', { cache: 'no-store', credentials: 'same-origin' }).then((r) => {
      if (r.status === 401) authLost();
    }).catch(() => {});
  }

  function authLost() {
    if (S.authLost) return;
    S.authLost = true;
    if (S.editor) S.editor.close();
    document.body.classList.add('is-expired');
    $('expired').hidden = false;
    // Visibly, then to the sign-in page (which comes back here after signing in).
    setTimeout(() => { location.assign('/login'); }, 2500);
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
    if (s.stream) setStream(s.stream);
    S.rundown = Array.isArray(s.rundown) ? s.rundown.slice() : [];
    S.show = s.show || null;
    if (s.graphics) S.graphics = s.graphics;
    if (s.rotation) S.rotation = s.rotation;
    if (s.audio) S.audio = s.audio;
    if (s.stats) setStats(s.stats);
    if (Array.isArray(s.signups)) {
      S.feed = [];
      S.perMinute.clear();
      for (const x of s.signups) addSignup(x, false);
    }
  }

  function addSignup(x, live) {
    const at = x.created_at ? new Date(x.created_at).getTime() || Date.now() : Date.now();
    const entry = { at, name: x.name, phone: x.phone_masked, postingId: x.posting_id,
                    id: x.signup_id || x.id || 0 };
    if (live) S.feed.unshift(entry);
    else S.feed.push(entry);
    S.feed.sort((a, b) => b.at - a.at);
    if (S.feed.length > FEED_MAX) S.feed.length = FEED_MAX;
    const minute = Math.floor(at / 60000);
    S.perMinute.set(minute, (S.perMinute.get(minute) || 0) + 1);
  }

  function setStats(stats) {
    S.stats = stats;
    if (Array.isArray(stats.signups_per_minute)) {
      const nowMin = Math.floor(Date.now() / 60000);
      const n = stats.signups_per_minute.length;
      S.perMinute.clear();
      stats.signups_per_minute.forEach((v, i) => S.perMinute.set(nowMin - (n - 1 - i), v));
    }
  }

  let statsTimer = 0;
  function refreshStats(delay) {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(() => {
      if (!S.rpc.connected) return;
      S.rpc.callOptional('stats.get').then((st) => {
        if (!st) return;
        setStats(st);
        renderChart();
        renderFunnel();
        renderSources();
      }).catch(() => {});
    }, delay);
  }

  function resync() {
    if (S.outputs) S.outputs.refresh();
    if (S.employers) S.employers.refresh();
    return S.rpc.call('state.get').then((s) => {
      applyState(s);
      renderAll();
      if (S.questions) S.questions.refresh();
    });
  }

  // The retention setting and the last purge (privacy.get, privacy.purged).
  function renderPrivacy(p) {
    const box = document.getElementById('privacy');
    if (p) S.privacy = p;
    if (!box || !p) return;
    const keep = p.keep_signups_days > 0 ? t('privacyKeep', p.keep_signups_days) : t('privacyForever');
    const last = p.last_purge && p.last_purge.at
      ? t('privacyLast', new Date(p.last_purge.at).toLocaleString(), p.last_purge.signups_deleted)
      : t('privacyNever');
    box.textContent = keep + ' ' + last;
    box.dataset.keepDays = String(p.keep_signups_days);
  }

  function loadPrivacy() {
    S.rpc.callOptional('privacy.get').then(renderPrivacy).catch(() => {});
  }

  // A viewer withdrew a sign-up: its count goes down and it leaves the feed.
  function signupGone(params) {
    const p = byId(params.posting_id);
    if (p && typeof params.count === 'number') p.signups = params.count;
    if (S.onAir && S.onAir.id === params.posting_id && p) S.onAir.signups = p.signups;
    if (params.signup_id) S.feed = S.feed.filter((e) => e.id !== params.signup_id);
    renderAll();
    refreshStats(300);
  }

  function onNotify(method, params) {
    if (method === 'signup.withdrawn') {
      signupGone(params);
    } else if (method === 'privacy.purged') {
      renderPrivacy(params);
      resync().catch(() => {});
    } else if (method === 'on_air.changed') {
      setOnAir(params.on_air || null);
      renderAll();
      if (S.questions) S.questions.postingsChanged();
    } else if (method === 'questions.changed') {
      if (S.questions) S.questions.changed(params);
    } else if (method === 'signup.created') {
      const p = byId(params.posting_id);
      if (p && typeof params.count === 'number') p.signups = params.count;
      if (S.onAir && S.onAir.id === params.posting_id && p) S.onAir.signups = p.signups;
      addSignup(params, true);
      renderAll();
      refreshStats(300);
      const row = document.querySelector('.count-row[data-id="' + params.posting_id + '"]');
      if (row) row.classList.add('flash');
    } else if (method === 'stream.status') {
      setStream(params.stream || params);
      if (S.outputs) S.outputs.stream(params.stream || params);
    } else if (method === 'employers.changed') {
      if (S.employers) S.employers.refresh();
    } else if (method === 'employers.links.changed') {
      if (S.employers) S.employers.refreshLinks();
    } else if (method === 'employers.status_changed' || method === 'employers.posting_closed') {
      refreshStats(300);
      resync();
    } else if (method === 'outputs.changed') {
      if (S.outputs) S.outputs.set(params.outputs);
    } else if (method === 'preview.changed') {
      if (S.cuesInFlight > 0) return;
      if (params.preview && params.preview.id) {
        S.cuedId = params.preview.id;
        upsertPosting(params.preview);
      } else if (S.cuedId !== null && S.onAir && S.cuedId === S.onAir.id) {
        S.cuedId = null; // the cued posting was taken; take() cues the next one
      }
      renderAll();
    } else if (method === 'graphics.changed') {
      if (params.graphics) S.graphics = params.graphics;
      renderControls();
      renderMonitors();
    } else if (method === 'audio.changed') {
      if (params.audio) S.audio = params.audio;
      renderAudio();
    } else if (method === 'rotation.changed') {
      if (params.rotation) S.rotation = params.rotation;
      renderControls();
    } else if (method === 'rundown.changed') {
      S.rundown = Array.isArray(params.rundown) ? params.rundown.slice() : [];
      renderAll();
    } else if (method === 'show.changed') {
      S.show = params.show || null;
    } else if (method === 'posting.changed') {
      const p = params.posting;
      if (p && p.archived) {
        S.postings = S.postings.filter((x) => x.id !== p.id);
        if (S.cuedId === p.id) S.cuedId = null;
      } else if (p) {
        upsertPosting(p);
        S.postings.sort((a, b) => a.id - b.id);
      }
      renderAll();
      if (S.questions) S.questions.postingsChanged();
    }
  }

  // The editor's company field offers the employers on record: picking one keeps the posting
  // with that employer; a new name makes a new employer when the posting is saved.
  function fillEmployerNames(list) {
    const names = document.getElementById('employer-names');
    if (!names) return;
    names.replaceChildren(...list.map((e) => {
      const o = document.createElement('option');
      o.value = e.name;
      return o;
    }));
  }

  function onOpen() {
    S.opened = true;
    const again = S.everConnected;
    S.everConnected = true;
    renderConn();
    resync().then(() => {
      if (again) toast(t('resynced'));
      document.body.dataset.synced = String(Date.now());
    }).catch(() => {});
    probePreview();
    loadThemes();
    loadPrivacy();
  }

  // ---- input ----
  function isTyping(target) {
    return target && target.closest && target.closest('input, textarea, select, [contenteditable]');
  }

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
    if ((S.editor && S.editor.isOpen()) || S.authLost) return;
    if (onGripKey(ev)) return;
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
      const p = sequence()[Number(ev.key) - 1];
      if (p) cue(p.id);
    } else if (ev.key === 'm' || ev.key === 'M') {
      ev.preventDefault();
      if (S.rpc.connected) toggleMute();
    }
  }

  function onRundownClick(ev) {
    const li = ev.target.closest('.posting, .lib-item');
    if (!li) return;
    const id = Number(li.dataset.id);
    const btn = ev.target.closest('button');
    const action = btn ? btn.dataset.action : 'cue';
    if (action === 'take') take(id);
    else if (action === 'edit') S.editor.open(byId(id));
    else if (action === 'remove') removeFromRundown(id);
    else if (action === 'add') addToRundown(id);
    else if (action === 'grip') return; // the handle only drags (or moves with the arrows)
    else if (li.classList.contains('posting')) cue(id);
  }

  // On a focused drag handle, the arrows move its row instead of the cue.
  function onGripKey(ev) {
    const grip = ev.target.closest && ev.target.closest('.grip');
    if (!grip || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return false;
    ev.preventDefault();
    const id = Number(grip.closest('.posting').dataset.id);
    const i = sequence().findIndex((p) => p.id === id);
    moveTo(id, i + (ev.key === 'ArrowUp' ? -1 : 1));
    return true;
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
        if (!S.opened) checkAuth();
        S.opened = false;
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
    const switchLang = () => {
      S.lang = S.lang === 'zh' ? 'en' : 'zh';
      try { localStorage.setItem('jobcast.lang', S.lang); } catch (e) { /* ignore */ }
      applyLang();
    };
    // The header's button, and the editor's own (the open dialog makes the header inert).
    $('lang').addEventListener('click', switchLang);
    $('ed-lang').addEventListener('click', switchLang);
    // Another tab of the desk switched: follow it.
    window.addEventListener('storage', (ev) => {
      if (ev.key !== 'jobcast.lang') return;
      const lang = ev.newValue === 'en' ? 'en' : 'zh';
      if (lang !== S.lang) {
        S.lang = lang;
        applyLang();
      }
    });
    $('mute').addEventListener('click', toggleMute);
    $('g-theme').addEventListener('change', () => {
      const name = $('g-theme').value;
      act('graphics.theme', { theme: name }).then((res) => {
        if (res && res.graphics) S.graphics = res.graphics;
        renderControls();
        renderMonitors();
        toast(t('themeApplied', themeLabel(name)));
      }, () => renderControls());
    });
    $('take').addEventListener('click', () => take(S.cuedId));
    $('postings').addEventListener('click', onRundownClick);
    $('library').addEventListener('click', onRundownClick);
    $('new-posting').addEventListener('click', () => S.editor.open(null));
    S.editor = new window.JcEditor({
      rpc: S.rpc, t, toast, onAuthLost: authLost,
      onSaved: (p, created) => {
        if (p.archived) S.postings = S.postings.filter((x) => x.id !== p.id);
        else upsertPosting(p);
        S.postings.sort((a, b) => a.id - b.id);
        // A new posting joins the end of a rundown that is in use (an empty one lists all).
        if (created && S.rundown.length) addToRundown(p.id);
        renderAll();
      },
    });
    S.outputs = new window.JcOutputs({ rpc: S.rpc, lang: () => S.lang, toast });
    S.employers = new window.JcEmployers({ rpc: S.rpc, lang: () => S.lang, toast,
                                           changed: fillEmployerNames });
    S.questions = new window.JcQuestions({ rpc: S.rpc, lang: () => S.lang, toast,
      postings: () => S.postings, onAir: () => S.onAir });
    bindDrag();
    bindControls();
    document.addEventListener('click', dropMouseFocus);
    document.addEventListener('keydown', onKey);
    setInterval(renderTimes, 1000);
    setInterval(renderChart, 15000);
    setInterval(() => refreshStats(0), STATS_INTERVAL_MS);
    setInterval(() => { if (S.stream) { renderHealth(); renderAudio(); } }, 1000); // retry countdowns
    applyLang();
    S.rpc.connect();
    // For tests and the curious: the live connection (e.g. to drop it by hand).
    window.jobcast = { rpc: S.rpc, state: S };
  }

  init();
})();
