// Registering a dispute (templates/disputes/case_form.html): more party rows on demand. The button
// names the formset's TOTAL_FORMS input in data-add-party; without JavaScript the three rows the
// page comes with are there already and the button stays hidden.
(function () {
  var button = document.querySelector("[data-add-party]");
  var template = document.getElementById("party-template");
  var total = button && document.getElementById(button.dataset.addParty);
  var rows = document.querySelector("[data-party-rows]");
  if (!button || !template || !total || !rows) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
})();
