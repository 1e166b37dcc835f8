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
