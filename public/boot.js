// Shows the prerendered start page on a first visit only: see src/client/app/start-page-markup.ts.
(function () {
  try {
    var path = location.pathname.replace(/\/+$/, '') || '/';
    var controlled = 'serviceWorker' in navigator && navigator.serviceWorker.controller;
    var stored = false;
    for (var i = 0; i < localStorage.length; i += 1) if (String(localStorage.key(i)).indexOf('tung-nha.') === 0) stored = true;
    if ((path === '/' || path === '/khu-vuc') && !controlled && !stored) document.documentElement.setAttribute('data-start', 'fresh');
  } catch {
    // No storage: the boot message.
  }
})();
