/* KVO service worker (kvo/app_views.py renders it; version {{ version }}).
 * Keeps the app's own files and the offline page; pages about people are never stored.
 * The report form is kept as last seen online, so that a report can be made without a
 * connection (static/js/outbox.js sends it later). */
"use strict";

const CACHE = "kvo-{{ version }}";
const FILES = {{ files|safe }};
const OFFLINE = {{ offline|safe }};
const KEPT_PAGES = {{ kept_pages|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([OFFLINE, ...FILES]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("kvo-") && key !== CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

function keptPage(request) {
  // Network first: the form as the server gives it now, kept for a visit without connection.
  return fetch(request)
    .then((response) => {
      if (response.ok && response.type === "basic" && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request.url.split("?")[0], copy));
      }
      return response;
    })
    .catch(() => caches.match(request.url.split("?")[0]).then((kept) => kept || caches.match(OFFLINE)));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (KEPT_PAGES.includes(url.pathname)) {
      event.respondWith(keptPage(request));
    } else {
      event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    }
    return;
  }
  if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});

// Logging out: the kept form names the user's shops; the next user starts without it.
self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(
      caches.open(CACHE).then((cache) => Promise.all(KEPT_PAGES.map((page) => cache.delete(page))))
    );
  }
});

// An alert (plumbing/push.py): a title, a short text, a page to open and a tag; never a name or
// a photo. Tapping it opens the page, in the app's window if one is open.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "KVO", {
      body: message.body || "",
      tag: message.tag || undefined,
      data: { url: message.url || "/" },
      icon: FILES.find((file) => file.endsWith("icon-192.png")),
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((windows) => {
      // The page itself if it is open; else an open window of the app goes there; else a new one.
      const open = windows.find((client) => client.url === target);
      if (open) return open.focus();
      const app = windows.find((client) => "navigate" in client);
      if (app) {
        return app.navigate(target).then((client) => client && client.focus().catch(() => client));
      }
      return self.clients.openWindow(target);
    })
  );
});
