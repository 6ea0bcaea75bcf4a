/* dcc.Upload's file input has no name of its own and dcc.Upload passes none on (axe-core:
   label). Name it after the drop zone's text, so a screen reader says what it is for. */
(function () {
  function name(root) {
    root.querySelectorAll(".upload-drop input[type=file]:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", "Choose a CSV or XLSX file to bring in");
    });
  }
  new MutationObserver(function () { name(document); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
