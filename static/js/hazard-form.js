// Recording a hazard (templates/inspections/hazard_form.html): fill the responsible party with the
// chosen compound's company, unless someone typed one. The names come from the JSON data block
// hazard-company-names (json_script), present only when the compound can be chosen.
(function () {
  var data = document.getElementById("hazard-company-names");
  var compound = document.getElementById("id_compound");
  var party = document.getElementById("id_responsible_party");
  if (!data || !compound || !party) return;
  var names = JSON.parse(data.textContent);
  var filled = party.value;
  compound.addEventListener("change", function () {
    if (party.value === "" || party.value === filled) {
      filled = names[compound.value] || "";
      party.value = filled;
    }
  });
})();
