// lastmile console: the only script. It polls a shipping batch's progress and reloads the page
// when the batch is done, so the labels can be downloaded. Everything else works without it.
(function () {
  var el = document.getElementById("batch-progress");
  if (!el) { return; }
  var bar = el.querySelector("progress"), text = el.querySelector("[data-text]");
  function poll() {
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (b) {
        bar.max = b.total; bar.value = b.done; text.textContent = b.text;
        if (b.status === "done") { window.location.reload(); return; }
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  if (el.getAttribute("data-status") !== "done") { poll(); }
})();
