/* Presentation mode keys: → Space PageDown next theme, ← PageUp previous, Esc back to the overview, F full screen.
   The slide's root (#present-root) names its neighbours in data-next, data-prev and data-exit. */
(function () {
  "use strict";

  var ROOT = "present-root";
  var FULLSCREEN = "present-fullscreen";
  var CONTROLS = /^(INPUT|SELECT|TEXTAREA|BUTTON|A|SUMMARY)$/;

  function navigate(href) {
    // The same move dcc.Link makes: push the URL, let dcc.Location and Dash pages render the new slide.
    window.history.pushState({}, "", href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  function target(root, event) {
    var onControl = event.target && (CONTROLS.test(event.target.tagName) || event.target.isContentEditable);
    switch (event.key) {
      case "ArrowRight":
      case "PageDown":
        return root.dataset.next;
      case " ":
        return onControl ? undefined : root.dataset.next;
      case "ArrowLeft":
      case "PageUp":
        return root.dataset.prev;
      case "Escape":
        return root.dataset.exit;
      default:
        return undefined;
    }
  }

  document.addEventListener("keydown", function (event) {
    var root = document.getElementById(ROOT);
    if (!root || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var onControl = event.target && CONTROLS.test(event.target.tagName);
    if ((event.key === "f" || event.key === "F") && !onControl) {
      event.preventDefault();
      toggleFullscreen();
      return;
    }
    var href = target(root, event);
    if (href === undefined) {
      return;
    }
    event.preventDefault(); // no page scroll on Space or PageDown, even on the last theme
    if (href) {
      navigate(href);
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === FULLSCREEN) {
      toggleFullscreen();
    }
  });
})();
