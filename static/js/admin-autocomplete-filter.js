// The admin's autocomplete list filter (communities/admin/autocomplete_filter.py): choosing a row
// in its select (select2, started by the admin's autocomplete.js) reloads the change list with
// the filter's parameter; clearing it takes the parameter away. The page number starts again.
(function ($) {
  "use strict";
  $(document).on("change", "select[data-autocomplete-filter]", function () {
    var params = new URLSearchParams(window.location.search);
    var name = this.getAttribute("data-autocomplete-filter");
    params.delete(name);
    params.delete("p");
    if (this.value) params.set(name, this.value);
    var query = params.toString();
    window.location.search = query ? "?" + query : "";
  });
})(django.jQuery);
