// JcRpc: a JSON-RPC 2.0 client over jobcast's /api/control WebSocket that reconnects by itself,
// shared by the control page and the host monitor (no build step: a plain script, loaded first).
//
// One socket at a time. Replies are matched by id; a request still waiting when the socket
// closes is rejected, so callers never hang across a reconnect. After every (re)connection
// onOpen runs, where the page asks for the whole state again: that is the resynchronisation.
'use strict';

(function () {
  const RETRY_FIRST_MS = 500;
  const RETRY_MAX_MS = 5000;

  // An Error with the JSON-RPC code (e.g. -32601 for a method this server does not have).
  class RpcError extends Error {
    constructor(code, message, data) {
      super(message);
      this.code = code;
      this.data = data;
    }
  }

  // opts: onOpen(), onClose(delayMs), onNotify(method, params), onRetryTick(secondsLeft).
  function JcRpc(opts) {
    this.opts = opts;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.retry = 0;
    this.retryTimer = 0;
    this.connected = false;
  }

  JcRpc.prototype.connect = function () {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket(scheme + location.host + '/api/control');
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (ws !== this.ws) return;
      this.retry = 0;
      this.connected = true;
      this.opts.onOpen();
    });
    ws.addEventListener('message', (ev) => {
      if (ws === this.ws) this.onMessage(ev.data);
    });
    ws.addEventListener('close', () => {
      if (ws === this.ws) this.onClosed();
    });
  };

  JcRpc.prototype.onClosed = function () {
    this.connected = false;
    this.ws = null;
    for (const p of this.pending.values()) p.reject(new RpcError(-32000, 'disconnected'));
    this.pending.clear();
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.retry++);
    const due = Date.now() + delay;
    this.opts.onClose(delay);
    clearInterval(this.retryTimer);
    this.retryTimer = setInterval(() => {
      const left = due - Date.now();
      if (left <= 0) {
        clearInterval(this.retryTimer);
        this.connect();
      } else if (this.opts.onRetryTick) {
        this.opts.onRetryTick(Math.ceil(left / 1000));
      }
    }, 100);
  };

  JcRpc.prototype.onMessage = function (data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (msg === null || typeof msg !== 'object') return;
    if (msg.id !== undefined && msg.id !== null && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new RpcError(msg.error.code, msg.error.message, msg.error.data));
      else p.resolve(msg.result);
    } else if (typeof msg.method === 'string') {
      this.opts.onNotify(msg.method, msg.params || {});
    }
  };

  // Resolves with the result; rejects with an RpcError (code -32000 when not connected).
  JcRpc.prototype.call = function (method, params) {
    return new Promise((resolve, reject) => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        reject(new RpcError(-32000, 'disconnected'));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: params || {} }));
    });
  };

  // Calls a method this server may not have yet: resolves null on -32601 instead of failing.
  JcRpc.prototype.callOptional = function (method, params) {
    return this.call(method, params).catch((e) => {
      if (e.code === -32601) return null;
      throw e;
    });
  };

  window.JcRpc = JcRpc;
  window.JcRpcError = RpcError;
})();
