/* Reports made without a connection wait on the device and are sent when it is back.
 *
 * The report form (report-photos.js) hands a report that could not be sent to
 * KVOOutbox.keep(): its fields and its (already scaled) photos go into IndexedDB under a
 * submission key of their own. Whenever a page of the app is open and the browser is online,
 * the waiting reports are sent, oldest first, each with a fresh CSRF token from the report form;
 * the server stores a key once, so a report whose answer was lost on the way is not stored
 * twice when it is sent again. The banner (data-outbox in base.html) says how many wait and
 * which were received. Texts come translated from the banner's data-* attributes.
 */
(function () {
  "use strict";

  var DATABASE = "kvo-outbox";
  var STORE = "reports";
  var banner = document.querySelector("[data-outbox]");
  if (!banner || !window.indexedDB || !window.fetch) return;
  var reportUrl = banner.getAttribute("data-report-url");
  var sending = false;
  var received = [];

  function database() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          db.close();
          resolve(request ? request.result : undefined);
        };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function waiting() {
    return withStore("readonly", function (store) { return store.getAll(); });
  }

  function text(name, count) {
    return banner.getAttribute("data-text-" + name + (count === 1 ? "-one" : "")).replace(
      "{n}", String(count)
    );
  }

  function show() {
    return waiting().then(function (reports) {
      banner.textContent = "";
      var refused = reports.filter(function (report) { return report.refused; }).length;
      var lines = [];
      if (reports.length - refused) {
        lines.push([text("waiting", reports.length - refused), null, "message--warning"]);
      }
      if (refused) lines.push([text("refused", refused), null, "message--error"]);
      received.forEach(function (url) { lines.push([text("received", 1), url, "message--success"]); });
      lines.forEach(function (line) {
        var paragraph = document.createElement("p");
        paragraph.className = "message " + line[2];
        if (line[1]) {
          var link = document.createElement("a");
          link.href = line[1];
          link.textContent = line[0];
          paragraph.appendChild(link);
        } else {
          paragraph.textContent = line[0];
        }
        banner.appendChild(paragraph);
      });
      banner.hidden = lines.length === 0;
      banner.setAttribute("data-waiting", String(reports.length - refused));
    });
  }

  function freshToken() {
    return fetch(reportUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var found = html.match(/name="csrfmiddlewaretoken" value="([^"]+)"/);
        if (!found) throw new Error("no form");
        return found[1];
      });
  }

  function sendOne(report) {
    return freshToken().then(function (token) {
      var data = new FormData();
      report.fields.forEach(function (field) {
        if (field[0] !== "csrfmiddlewaretoken") data.append(field[0], field[1]);
      });
      data.append("csrfmiddlewaretoken", token);
      report.photos.forEach(function (photo) { data.append("photos", photo.blob, photo.name); });
      return fetch(reportUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
      });
    }).then(function (response) {
      var next = response.headers.get("HX-Redirect");
      if (next) {
        received.push(next);
        // The form's own "kept on this phone" note is out of date now.
        document.querySelectorAll("[data-send-status]").forEach(function (note) {
          note.hidden = true;
        });
        return withStore("readwrite", function (store) { return store.delete(report.key); });
      }
      if (response.status >= 500) return undefined;  // try again later
      // The server did not take it (a rule changed meanwhile): kept, and the banner says so.
      report.refused = true;
      return withStore("readwrite", function (store) { return store.put(report); });
    }).catch(function () {
      return undefined;  // still no connection: the next "online" tries again
    });
  }

  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return waiting()
      .then(function (reports) {
        return reports
          .filter(function (report) { return !report.refused; })
          .sort(function (a, b) { return a.kept - b.kept; })
          .reduce(function (previous, report) {
            return previous.then(function () { return sendOne(report); });
          }, Promise.resolve());
      })
      .then(function () { sending = false; return show(); },
            function () { sending = false; return show(); });
  }

  function keep(fields, photos) {
    var key = window.crypto && crypto.randomUUID ? crypto.randomUUID() : null;
    var report = {
      key: key || fields.filter(function (f) { return f[0] === "submission_key"; })[0][1],
      kept: Date.now(),
      fields: fields.filter(function (field) { return field[0] !== "submission_key"; }),
      photos: photos,
    };
    report.fields.push(["submission_key", report.key]);
    return withStore("readwrite", function (store) { return store.put(report); }).then(show);
  }

  window.KVOOutbox = { keep: keep, flush: flush, show: show };
  window.addEventListener("online", flush);
  show().then(flush);
})();
