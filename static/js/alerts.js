/* "Turn on alerts on this device" on the profile page: ask the browser for permission, subscribe
 * with our VAPID key through the service worker, and give the subscription to the server
 * (merchants/device_views.py). Without push support the button stays hidden or says why. */
(function () {
  "use strict";

  var box = document.querySelector("[data-alerts]");
  if (!box) return;
  var button = box.querySelector("[data-alerts-on]");
  var status = box.querySelector("[data-alerts-status]");

  function say(name) {
    status.textContent = box.getAttribute("data-text-" + name);
    status.hidden = false;
  }

  function key() {
    var text = box.getAttribute("data-key").replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(text + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  function deviceName() {
    var agent = navigator.userAgent;
    var browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox"
      : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "Browser";
    var system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS"
      : /Mac OS X/.test(agent) ? "macOS" : /Windows/.test(agent) ? "Windows"
      : /Linux/.test(agent) ? "Linux" : "";
    return system ? browser + " (" + system + ")" : browser;
  }

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  box.hidden = false;
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    button.hidden = true;
    say("unsupported");
    return;
  }
  button.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        say("blocked");
        return undefined;
      }
      return navigator.serviceWorker.ready
        .then(function (registration) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: key(),
          });
        })
        .then(function (subscription) {
          var data = subscription.toJSON();
          data.name = deviceName();
          return fetch(box.getAttribute("data-url"), {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
            body: JSON.stringify(data),
          });
        })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          say("added");
          window.location.reload();
        });
    }).catch(function () { say("unsupported"); });
  });
})();
