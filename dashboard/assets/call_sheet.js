/* The call sheet's Print and Back buttons (dashboard/exports.py). A file, not an inline
   handler: the Content-Security-Policy runs no script the server did not name. Dash loads
   every asset on its pages too, where no such button is: nothing happens there. */
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-call-sheet]");
  if (!button) { return; }
  if (button.getAttribute("data-call-sheet") === "print") { window.print(); }
  else { window.history.back(); }
});
