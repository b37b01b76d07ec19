// The overlay page (/overlay, an OBS browser source): shows the program's overlay layers as the
// renderer drew them. Each layer is a PNG (/api/overlay/layer.png?id=N) placed at the rectangle
// the program draws it at, in a stage of the program's frame size scaled to the window. On
// every overlay.changed notification the page asks for the list (overlay.layers), loads the
// layers it lacks, then swaps them all in at once (a take changes card, QR code and counter
// together). The ticker's strip scrolls in the browser at the renderer's speed; a take's fade
// or slide is played from its mark. Nothing here is the page's own drawing.
'use strict';

(function () {
  const stage = document.getElementById('stage');
  const shown = new Map(); // layer id -> element on the stage
  const seenTakes = new Set();
  let frame = { width: 0, height: 0 };
  let first = true; // the first list: what is already on air is shown as it stands
  let busy = false;
  let again = false;
  let failures = 0;

  function fit() {
    if (!frame.width) return;
    const scale = Math.min(window.innerWidth / frame.width, window.innerHeight / frame.height);
    stage.style.width = frame.width + 'px';
    stage.style.height = frame.height + 'px';
    stage.style.transform = scale === 1 ? '' : 'scale(' + scale + ')';
  }

  function place(el, x, y, w, h) {
    el.style.left = x + 'px';
    el.style.top = y + 'px';
    el.style.width = w + 'px';
    el.style.height = h + 'px';
  }

  // An image of layer l, decoded (rejects when it could not be loaded).
  async function picture(l) {
    const img = new Image();
    img.alt = '';
    img.decoding = 'sync';
    img.src = '/api/overlay/layer.png?id=' + l.id;
    await img.decode();
    return img;
  }

  // The element for layer l: its picture, or for a ticker strip a band window it scrolls in.
  async function build(l) {
    const img = await picture(l);
    if (!l.scroll) {
      img.className = 'layer';
      place(img, l.x, l.y, l.width, l.height);
      return img;
    }
    const band = document.createElement('div');
    band.className = 'band';
    const s = l.scroll;
    place(band, s.x, s.y, s.width, s.height);
    place(img, l.x - s.x, l.y - s.y, l.width, l.height);
    band.appendChild(img);
    const ms = (s.period / s.px_per_s) * 1000;
    img.animate([{ transform: 'translateX(0)' }, { transform: 'translateX(-' + s.period + 'px)' }],
                { duration: ms, iterations: Infinity, easing: 'linear' });
    return band;
  }

  // A take's entrance (or a slide's exit), from the layer's mark; none on the first list.
  function transition(el, l) {
    const t = l.transition;
    if (!t) return;
    if (first || seenTakes.has(t.take + (t.leaving ? 'L' : ''))) {
      if (t.leaving) el.style.visibility = 'hidden';
      return;
    }
    if (t.ms <= 0 || t.kind === 'cut') {
      if (t.leaving) el.style.visibility = 'hidden';
      return;
    }
    const moved = 'translate(' + t.dx + 'px,' + t.dy + 'px)';
    let frames;
    if (t.kind === 'fade') frames = [{ opacity: 0 }, { opacity: 1 }];
    else if (t.leaving) frames = [{ transform: 'translate(0,0)' }, { transform: moved }];
    else frames = [{ transform: moved }, { transform: 'translate(0,0)' }];
    const anim = el.animate(frames, { duration: t.ms, easing: 'linear', fill: 'both' });
    if (t.leaving) anim.finished.then(() => { el.style.visibility = 'hidden'; }, () => {});
  }

  // Shows the list: new layers are loaded first, then everything changes in one go.
  async function show(list) {
    frame = { width: list.width, height: list.height };
    fit();
    const wanted = new Map(list.layers.map((l) => [l.id, l]));
    const added = [];
    for (const l of list.layers) {
      if (!shown.has(l.id)) added.push([l, await build(l)]);
    }
    for (const [id, el] of shown) {
      if (!wanted.has(id)) {
        el.remove();
        shown.delete(id);
      }
    }
    for (const [l, el] of added) {
      shown.set(l.id, el);
      transition(el, l);
    }
    // Drawing order is the list's; a layer already in its place is not moved.
    list.layers.forEach((l, i) => {
      const el = shown.get(l.id);
      if (stage.children[i] !== el) stage.insertBefore(el, stage.children[i] || null);
    });
    for (const [l] of added) {
      if (l.transition) seenTakes.add(l.transition.take + (l.transition.leaving ? 'L' : ''));
    }
    first = false;
    stage.dataset.version = String(list.version);
    stage.dataset.layers = list.layers.map((l) => l.id).join(',');
  }

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        await show(await rpc.call('overlay.layers'));
      } while (again);
    } catch (e) {
      // A layer replaced while it loaded, or the server busy: ask again shortly.
      setTimeout(refresh, 300);
    } finally {
      busy = false;
    }
  }

  const rpc = new window.JcRpc({
    onOpen() {
      failures = 0;
      refresh();
    },
    onClose() {
      // Sessions live in the server's memory: after a restart only the token in this page's
      // address signs in again (a revoked one is refused there, and the page says so).
      failures += 1;
      if (failures >= 3) location.reload();
    },
    onNotify(method) {
      if (method === 'overlay.changed') refresh();
    },
  });
  window.addEventListener('resize', fit);
  rpc.connect();
})();
