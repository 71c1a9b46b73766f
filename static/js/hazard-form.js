// Recording a hazard (templates/inspections/hazard_form.html): fill the responsible party with the
// chosen compound's company, unless someone typed one. The compound is chosen by typing
// (compound-autocomplete.js); the chosen option carries its company as data-company.
(function () {
  var compound = document.getElementById("id_compound");
  var party = document.getElementById("id_responsible_party");
  if (!compound || !party) return;
  var filled = party.value;
  compound.addEventListener("change", function () {
    var option = compound.options[compound.selectedIndex];
    if (party.value === "" || party.value === filled) {
      filled = (option && option.dataset.company) || "";
      party.value = filled;
    }
  });
})();
