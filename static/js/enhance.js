/* Small enhancements of every page; each page works without them.
 *
 * - Filter panels (<details data-filters>) are folded on a phone and open on a wider screen.
 * - On a phone, the menu (one row that scrolls sideways) shows the current page's item.
 * - The service worker (the app on the home screen, offline pages) is registered; logging out
 *   tells it to forget the pages it kept.
 * - A form with data-confirm asks in the page (a <dialog>) before it is sent, and then sends
 *   confirmed=1 with it; the dialog's buttons are named by data-confirm-yes / data-confirm-no.
 * - A form with data-depends-on="field" and data-depends='{"other": ["value", ...]}' shows each
 *   other field only while "field" has one of its values (the police stage's hearing date, say);
 *   without the script every field shows and the server checks what belongs together.
 * - A long list of checkboxes marked data-filter-list gets a search field above it (labelled by
 *   data-filter-label) that shows only the boxes whose label holds what is typed; ticked boxes
 *   always show. Without the script the whole list shows.
 * - A gallery photo whose signed link has run out (a page left open, a late scroll) is asked for
 *   again from the photo view named by data-renew-src (and data-renew-srcset), which checks
 *   access anew and sends the browser to a fresh link.
 */
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 48rem)");

  function unfoldFilters(root) {
    if (!WIDE.matches) return;
    root.querySelectorAll("details[data-filters]").forEach(function (panel) {
      panel.open = true;
    });
  }

  function ask(form, submitter) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    var text = document.createElement("p");
    text.id = "confirm-dialog-text";
    text.textContent = form.getAttribute("data-confirm");
    var buttons = document.createElement("div");
    buttons.className = "actions";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "button";
    yes.textContent = form.getAttribute("data-confirm-yes");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button button--secondary";
    no.textContent = form.getAttribute("data-confirm-no");
    buttons.appendChild(yes);
    buttons.appendChild(no);
    dialog.appendChild(text);
    dialog.appendChild(buttons);
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () { dialog.remove(); });
    no.addEventListener("click", function () { dialog.close(); });
    yes.addEventListener("click", function () {
      dialog.close();
      form.setAttribute("data-confirmed", "true");
      // The server asks on a page of its own when a form arrives unconfirmed (no script).
      if (!form.querySelector("input[name=confirmed]")) {
        var confirmed = document.createElement("input");
        confirmed.type = "hidden";
        confirmed.name = "confirmed";
        confirmed.value = "1";
        form.appendChild(confirmed);
      }
      if (form.requestSubmit) form.requestSubmit(submitter || undefined);
      else form.submit();
    });
    dialog.showModal();
    no.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-confirm") || !window.HTMLDialogElement) return;
    if (form.getAttribute("data-confirmed") === "true") {
      form.removeAttribute("data-confirmed");
      return;
    }
    event.preventDefault();
    ask(form, event.submitter);
  }, true);

  var worker = document.querySelector("meta[name=kvo-service-worker]");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker.content, { scope: "/" }).catch(function () {});
    document.addEventListener("submit", function (event) {
      if (event.target.hasAttribute("data-forget-pages") && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget-pages");
      }
    });
  }

  // The menu scrolls sideways on a phone: show where we are.
  var current = document.querySelector('.site-nav a[aria-current="page"]');
  if (current && !WIDE.matches) {
    var list = current.closest("ul");
    var item = current.getBoundingClientRect();
    var row = list.getBoundingClientRect();
    list.scrollLeft += item.left - row.left - (row.width - item.width) / 2;  // the page stays put
  }

  function showDependents(form) {
    var control = form.elements[form.getAttribute("data-depends-on")];
    var rules = JSON.parse(form.getAttribute("data-depends") || "{}");
    if (!control) return;
    Object.keys(rules).forEach(function (name) {
      var field = form.elements[name];
      var node = field && (field.length && !field.tagName ? field[0] : field);
      var wrapper = node && node.closest("div");
      if (wrapper) wrapper.hidden = rules[name].indexOf(control.value) === -1;
    });
  }
  document.querySelectorAll("form[data-depends-on]").forEach(function (form) {
    showDependents(form);
    form.addEventListener("change", function () { showDependents(form); });
  });

  // Django puts a widget's attributes on each checkbox: the list is the boxes' common parent.
  var filtered = [];
  document.querySelectorAll("input[data-filter-list]").forEach(function (box) {
    var list = box.closest("label").parentNode.parentNode;
    if (filtered.indexOf(list) === -1) filtered.push(list);
  });
  filtered.forEach(function (list, index) {
    var field = document.createElement("input");
    field.type = "search";
    field.id = "filter-list-" + index;
    if (list.id) field.setAttribute("aria-controls", list.id);
    var label = document.createElement("label");
    label.htmlFor = field.id;
    label.textContent = list.querySelector("input[data-filter-list]").getAttribute("data-filter-label");
    list.parentNode.insertBefore(label, list);
    list.parentNode.insertBefore(field, list);
    field.addEventListener("input", function () {
      var wanted = field.value.trim().toLowerCase();
      list.querySelectorAll("label").forEach(function (option) {
        var box = option.querySelector("input");
        var match = option.textContent.toLowerCase().indexOf(wanted) !== -1;
        option.parentNode.hidden = !(match || (box && box.checked));
      });
    });
  });

  unfoldFilters(document);
  document.addEventListener("htmx:afterSwap", function (event) { unfoldFilters(event.target); });
  function renew(img) {
    if (!(img instanceof HTMLImageElement) || !img.dataset.renewSrc || img.dataset.renewed) return;
    img.dataset.renewed = "1";
    if (img.dataset.renewSrcset) img.srcset = img.dataset.renewSrcset;
    img.src = img.dataset.renewSrc;
  }
  document.addEventListener("error", function (event) { renew(event.target); }, true);
  // A photo that failed before this script ran (the first ones load at once).
  document.querySelectorAll("img[data-renew-src]").forEach(function (img) {
    if (img.complete && img.naturalWidth === 0) renew(img);
  });
})();
