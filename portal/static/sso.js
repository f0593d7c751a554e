/* 免登 (portal/views/sso.py): ask the chat app for a one-time auth code, post it with the CSRF
   header, then go where the server says. Outside the app (no JSAPI) go straight to the password
   login, keeping next. A static file because the CSP forbids inline script. */
(function () {
  "use strict";
  var box = document.getElementById("sso");
  if (!box) { return; }
  var platform = box.getAttribute("data-platform");
  var label = box.getAttribute("data-label");
  var next = box.getAttribute("data-next");
  var login = box.getAttribute("data-login");
  var corpId = box.getAttribute("data-corp-id");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var TRIES_KEY = "bzops-sso-tries";
  var CODE_TIMEOUT_MS = 15000;

  function byId(id) { return document.getElementById(id); }

  function fail(message) {
    byId("sso-status").hidden = true;
    byId("sso-error").textContent = message;
    byId("sso-error").hidden = false;
    byId("sso-retry").hidden = false;
  }

  // A browser that drops our cookie would come back here for ever: after 3 tries in a minute,
  // the password login takes over.
  function tooManyTries() {
    try {
      var now = Date.now();
      var tries = JSON.parse(sessionStorage.getItem(TRIES_KEY) || "[]").filter(function (t) {
        return now - t < 60000;
      });
      tries.push(now);
      sessionStorage.setItem(TRIES_KEY, JSON.stringify(tries));
      return tries.length > 3;
    } catch (e) {
      return false;
    }
  }

  function withTimeout(promise) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("timeout")); }, CODE_TIMEOUT_MS);
      promise.then(function (v) { clearTimeout(timer); resolve(v); },
                   function (e) { clearTimeout(timer); reject(e); });
    });
  }

  // The code from the app's JSAPI, or null when the page is not inside that app.
  function requestCode() {
    var dd = window.dd;
    if (!dd) { return null; }
    if (platform === "dingtalk") {
      if (!dd.env || dd.env.platform === "notInDingTalk" || !dd.runtime) { return null; }
      return withTimeout(new Promise(function (resolve, reject) {
        dd.ready(function () {
          dd.runtime.permission.requestAuthCode({ corpId: corpId }).then(function (r) { resolve(r.code); }, reject);
        });
        if (typeof dd.error === "function") { dd.error(reject); }
      }));
    }
    if (platform === "zzd" && typeof dd.getAuthCode === "function") {
      return withTimeout(dd.getAuthCode({ corpId: corpId || undefined }).then(function (r) {
        return r.code || r.auth_code;
      }));
    }
    return null;
  }

  function exchange(code) {
    return fetch(window.location.pathname, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ code: String(code || ""), next: next })
    }).then(function (response) {
      if (response.redirected) {  // the CSRF token had expired: the server sent us to log in and back
        window.location.replace(response.url);
        return new Promise(function () {});
      }
      return response.json().then(function (body) { return { ok: response.ok, body: body || {} }; });
    });
  }

  function showNotice(target, lines) {
    var list = byId("sso-blocks");
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.className = "alert";
      item.textContent = line;
      list.appendChild(item);
    });
    byId("sso-continue").setAttribute("href", target);
    byId("sso-status").hidden = true;
    byId("sso-notice").hidden = false;
  }

  function finish(result) {
    var body = result.body;
    if (result.ok && typeof body.next === "string" && body.next.charAt(0) === "/") {
      if (body.notice && body.notice.length) { showNotice(body.next, body.notice); return; }
      window.location.replace(body.next);
      return;
    }
    fail(body.error || "登录未成功，请重试或使用密码登录");
  }

  function start() {
    byId("sso-retry").hidden = true;
    byId("sso-error").hidden = true;
    byId("sso-status").hidden = false;
    var pending = tooManyTries() ? null : requestCode();
    if (!pending) { window.location.replace(login); return; }
    pending.then(function (code) {
      return exchange(code).then(finish, function () { fail("网络异常，请重试或使用密码登录"); });
    }, function () {
      fail("未能从" + label + "获取免登授权码，请重试或使用密码登录");
    });
  }

  byId("sso-retry").addEventListener("click", start);
  start();
})();
