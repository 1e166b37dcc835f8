/* The report form's photo picker (progressive enhancement; the form works without it).
 *
 * - Thumbnails of the chosen photos before sending, each with a remove button; more can be
 *   added in several goes (camera, then gallery), up to the form's limit.
 * - Large phone photos are scaled down in the browser (long edge 2048 px, as the server keeps
 *   them) before they are sent, so a report leaves a weak connection in seconds.
 * - The form is sent in the background with a progress bar. When it comes back with an error,
 *   the page shows it in place; the server keeps the photos under the form's submission key.
 * - Without a connection the report waits on the device (outbox.js) and is sent when the
 *   connection is back; the form is free for the next report at once.
 *
 * Texts come translated from the page (data-* attributes on the form).
 */
(function () {
  "use strict";

  var MAX_EDGE = 2048;
  var QUALITY = 0.85;
  var SCALE_FROM_BYTES = 400 * 1024;

  function keptCount(form) {
    var count = 0;
    form.querySelectorAll("[data-kept] input[type=checkbox]").forEach(function (box) {
      if (!box.checked) count += 1;
    });
    return count;
  }

  function scaled(file) {
    if (!window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type) ||
        file.size < SCALE_FROM_BYTES) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      var ratio = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * ratio);
      canvas.height = Math.round(bitmap.height * ratio);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) {
            resolve(file);
            return;
          }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () {
      return file;  // the server says clearly what is wrong with it
    });
  }

  function init(form) {
    var input = form.querySelector("input[type=file][name=photos]");
    if (!input || !window.DataTransfer || !window.FormData || !window.XMLHttpRequest) return;
    var list = form.querySelector("[data-photo-list]");
    var progressBox = form.querySelector("[data-upload-progress]");
    var progress = progressBox.querySelector("progress");
    var status = form.querySelector("[data-send-status]");
    var button = form.querySelector("button[type=submit]");
    var limit = parseInt(form.getAttribute("data-max-photos"), 10) || 6;
    var text = {
      remove: form.getAttribute("data-text-remove"),
      photo: form.getAttribute("data-text-photo"),
      tooMany: form.getAttribute("data-text-too-many"),
      scaling: form.getAttribute("data-text-scaling"),
      failed: form.getAttribute("data-text-failed"),
      kept: form.getAttribute("data-text-kept")
    };
    var chosen = [];
    var sending = false;

    function sync() {
      var transfer = new DataTransfer();
      chosen.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    }

    function say(message) {
      status.textContent = message || "";
      status.hidden = !message;
    }

    function render(focusIndex) {
      list.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
      list.textContent = "";
      list.hidden = chosen.length === 0;
      var items = document.createElement("ul");
      items.className = "photo-picker__list";
      chosen.forEach(function (file, index) {
        var item = document.createElement("li");
        item.className = "photo-picker__item";
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = text.photo + " " + String(index + 1);
        img.width = 120;
        img.height = 120;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button--secondary photo-picker__remove";
        remove.textContent = text.remove;
        remove.setAttribute("aria-label", text.remove + ": " + img.alt);
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          sync();
          render(index);
        });
        item.appendChild(img);
        item.appendChild(remove);
        items.appendChild(item);
      });
      list.appendChild(items);
      if (focusIndex !== undefined) {
        var buttons = list.querySelectorAll("button");
        (buttons[Math.min(focusIndex, buttons.length - 1)] || input).focus();
      }
    }

    input.addEventListener("change", function () {
      var room = limit - keptCount(form) - chosen.length;
      var added = Array.prototype.slice.call(input.files);
      say(added.length > room ? text.tooMany : "");
      chosen = chosen.concat(added.slice(0, Math.max(room, 0)));
      sync();
      render();
    });

    form.querySelectorAll("[data-kept] input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () {
        box.closest("[data-kept]").classList.toggle("is-removed", box.checked);
      });
    });

    function showReply(html) {
      var reply = new DOMParser().parseFromString(html, "text/html");
      var main = reply.querySelector("main");
      if (!main) {
        document.open();
        document.write(html);
        document.close();
        return;
      }
      document.title = reply.title;
      document.querySelector("main").replaceWith(document.adoptNode(main));
      var next = document.querySelector("[data-report-form]");
      if (next) init(next);
      var summary = document.querySelector(".form-errors");
      (summary || document.querySelector("main")).focus();
    }

    function fail() {
      sending = false;
      button.disabled = false;
      progressBox.hidden = true;
      say(text.failed);
    }

    // No connection: the report waits on this device (outbox.js) and the form is free for the
    // next one.
    function keepForLater(files) {
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") fields.push([name, value]);
      });
      var photos = files.map(function (file) { return { blob: file, name: file.name }; });
      return window.KVOOutbox.keep(fields, photos).then(function () {
        sending = false;
        button.disabled = false;
        progressBox.hidden = true;
        chosen = [];
        form.reset();
        sync();
        render();
        var key = form.querySelector("input[name=submission_key]");
        if (key && window.crypto && crypto.randomUUID) key.value = crypto.randomUUID();
        say(text.kept);
        status.focus();
      }, fail);
    }

    function offline(files) {
      return !navigator.onLine && window.KVOOutbox ? keepForLater(files) : null;
    }

    function send(files) {
      var data = new FormData(form);
      data.delete("photos");
      files.forEach(function (file) { data.append("photos", file, file.name); });
      var request = new XMLHttpRequest();
      request.open("POST", form.getAttribute("action") || window.location.href);
      request.setRequestHeader("HX-Request", "true");
      request.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        progress.value = Math.round((100 * event.loaded) / event.total);
        form.setAttribute("data-progress-seen", String(progress.value));
      });
      request.addEventListener("load", function () {
        var next = request.getResponseHeader("HX-Redirect");
        if (next) {
          window.location.assign(next);
        } else if (request.status < 500 && request.responseText) {
          showReply(request.responseText);
        } else {
          fail();
        }
      });
      function lost() {
        if (window.KVOOutbox) keepForLater(files);
        else fail();
      }
      request.addEventListener("error", lost);
      request.addEventListener("timeout", lost);
      request.send(data);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) return;
      sending = true;
      button.disabled = true;
      progress.value = 0;
      progressBox.hidden = false;
      say(chosen.length ? text.scaling : "");
      Promise.all(chosen.map(scaled)).then(function (files) {
        say("");
        if (!offline(files)) send(files);
      }, fail);
    });
  }

  document.querySelectorAll("[data-report-form]").forEach(init);
})();
