// Starts the scoped chooser widgets (common/admin_choosers.py) without an inline script,
// which the admin's content security policy refuses: each widget leaves a hidden
// <span data-scoped-chooser="field id" data-options="{...}"> after its markup.
(function () {
  function start(root) {
    root.querySelectorAll('[data-scoped-chooser]').forEach(function (marker) {
      if (marker.dataset.started || typeof window.Chooser !== 'function') return;
      marker.dataset.started = '1';
      new window.Chooser(marker.dataset.scopedChooser, JSON.parse(marker.dataset.options));
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { start(document); });
  } else {
    start(document);
  }
})();
