// Marks the page while the browser itself has no network (navigator.onLine), so the connection pill can say
// "Offline" at once: the server cannot tell a tab whose link is down (motivator.css shows it; no inline script).
(function () {
  function mark() {
    document.documentElement.toggleAttribute("data-offline", !navigator.onLine);
  }
  window.addEventListener("online", mark);
  window.addEventListener("offline", mark);
  mark();
})();
