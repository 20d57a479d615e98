// Runs before the first paint (a classic script in <head>; the CSP allows no inline script).
(function () {
  // A page the service worker controls comes from its cache: this device has run the app before.
  var controlled = false;
  try {
    controlled = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
  } catch {
    // No service worker API.
  }

  // 1. Shows the prerendered start page on a first visit only: see src/client/app/start-page-markup.ts.
  try {
    var path = location.pathname.replace(/\/+$/, '') || '/';
    var stored = false;
    for (var i = 0; i < localStorage.length; i += 1) if (String(localStorage.key(i)).indexOf('tung-nha.') === 0) stored = true;
    if ((path === '/' || path === '/khu-vuc') && !controlled && !stored) document.documentElement.setAttribute('data-start', 'fresh');
  } catch {
    // No storage: the boot message.
  }

  // 2. Loads the app once the first frame is painted (on a returning device, at once): the build lists the entry and
  //    its start-up chunks in <meta name="tung-nha-start"> (vite.config.ts). The development server keeps its own
  //    module script instead.
  var started = false;
  function start() {
    if (started) return;
    var meta = document.querySelector('meta[name="tung-nha-start"]');
    if (!meta) return;
    started = true;
    var files = meta.getAttribute('content').split(' ');
    var script = document.createElement('script');
    script.type = 'module';
    script.crossOrigin = '';
    script.src = files[0];
    document.head.appendChild(script);
    // One preload per task: starting a request costs a slow phone's main thread a few milliseconds, and nine of them
    // in one go made a long task. They all start within a few milliseconds, in the order the start-up needs them.
    var next = 1;
    (function preloadNext() {
      if (next >= files.length) return;
      var link = document.createElement('link');
      link.rel = 'modulepreload';
      link.crossOrigin = '';
      link.href = files[next];
      next += 1;
      document.head.appendChild(link);
      setTimeout(preloadNext, 0);
    })();
  }
  // The first contentful paint (the start page's words or the boot message) is reported once it is on screen. A page
  // opened in the background paints nothing until it is shown: it starts at once instead. A browser that does not
  // report paints starts after its first frame.
  var reportsPaint = false;
  try {
    reportsPaint = PerformanceObserver.supportedEntryTypes.indexOf('paint') >= 0;
  } catch {
    // No PerformanceObserver.
  }
  // A returning device's scripts come from the service worker's cache, with no network to share: it starts at once.
  if (document.visibilityState === 'hidden' || controlled) {
    document.addEventListener('DOMContentLoaded', start);
  } else if (reportsPaint) {
    new PerformanceObserver(function (list, observer) {
      if (list.getEntriesByName('first-contentful-paint').length === 0) return;
      observer.disconnect();
      start();
    }).observe({ type: 'paint', buffered: true });
    document.addEventListener('visibilitychange', start);
    // Should no paint be reported (a stalled compositor), the app still starts.
    setTimeout(start, 3000);
  } else {
    requestAnimationFrame(function () {
      setTimeout(start, 0);
    });
  }
})();
