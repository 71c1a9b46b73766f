// A check's page (templates/inspections/inspection_detail.html).
(function () {
  // A link to an item (next unanswered, a missing one, a failed 否决项) opens its folded section,
  // and lands below the sticky score card whatever its height.
  function measure() {
    var card = document.getElementById("check-score");
    if (card && getComputedStyle(card).position === "sticky") {
      document.documentElement.style.setProperty("--score-height", card.offsetHeight + "px");
    }
  }
  ["resize", "htmx:afterSettle", "htmx:oobAfterSwap"].forEach(function (name) {
    (name === "resize" ? window : document).addEventListener(name, measure);
  });
  measure();
  function reveal() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    for (var d = target && target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
    return target;
  }
  window.addEventListener("hashchange", reveal);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#item-"]');
    if (link && link.getAttribute("href") === location.hash) {
      var target = reveal();
      if (target) { target.scrollIntoView(); }
    }
    // The submit confirmation's 暂不提交 (inspections/partials/submit_confirm.html) empties the
    // element its data-clear names, taking the confirmation away.
    var clear = event.target.closest && event.target.closest("[data-clear]");
    if (clear) {
      var emptied = document.getElementById(clear.dataset.clear);
      if (emptied) emptied.replaceChildren();
    }
  });
  reveal();
})();
