/* dcc.Dropdown (Dash 4) puts a hidden, aria-hidden input in the tab order that hands focus on to
   the dropdown's button. A keyboard or screen-reader user should land on the button itself
   (axe-core: aria-hidden-focus): take the proxy out of the tab order and put the button in. */
(function () {
  function fix(root) {
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (proxy) {
      var button = proxy.parentElement && proxy.parentElement.querySelector("button[id]");
      if (!button || button.disabled) return;
      proxy.tabIndex = -1;
      if (button.tabIndex !== 0) button.tabIndex = 0;
    });
  }
  new MutationObserver(function () { fix(document); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
