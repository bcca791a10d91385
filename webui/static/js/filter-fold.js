// Folds a filter form rendered open (class "filter-fold") on a narrow screen, so that on a
// phone its summary line stands in for it. Loaded right after the form, before the first paint.
(function () {
  if (!window.matchMedia("(max-width: 719px)").matches) return;
  document.querySelectorAll("details.filter-fold[open]").forEach(function (fold) {
    fold.open = false;
  });
})();
