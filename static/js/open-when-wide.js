// Opens the <details> named by this script tag's data-details on a screen at least 44rem (704 px)
// wide. Loaded without defer right after the element, so it runs before the element is painted:
// on a phone the filters stay folded under their summary. (templates/partials/open_when_wide.html)
(function (script) {
  var el = script && document.getElementById(script.dataset.details);
  if (el && window.matchMedia("(min-width: 44rem)").matches) el.open = true;
})(document.currentScript);
