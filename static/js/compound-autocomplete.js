// A compound is chosen by typing: every <select data-autocomplete-url> (communities/
// compound_choice.py) holds only the chosen compound(s); this turns it into a text box that asks
// the endpoint for the user's compounds matching what was typed and offers them in a list
// (arrow keys, Enter, Escape, or the mouse). The select stays in the form, hidden, and is what
// the form submits; without this script it still submits what was chosen.
(function () {
  "use strict";
  if (window.compoundAutocompleteLoaded) return; // each widget brings the script along
  window.compoundAutocompleteLoaded = true;

  var DELAY_MS = 200;
  var counter = 0;

  function setup(select) {
    if (select.dataset.autocompleteReady) return;
    select.dataset.autocompleteReady = "1";
    var multiple = select.multiple;
    var id = "compound-ac-" + ++counter;

    var box = document.createElement("div");
    box.className = "compound-ac";
    var chips = document.createElement("ul");
    chips.className = "compound-ac__chosen";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "compound-ac__input";
    input.autocomplete = "off";
    input.placeholder = select.dataset.autocompletePlaceholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    var list = document.createElement("ul");
    list.className = "compound-ac__list";
    list.id = id;
    list.setAttribute("role", "listbox");
    list.hidden = true;

    // The label pointed at the select: point it at the text box.
    if (select.id) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      input.id = select.id + "_search";
      if (label) label.htmlFor = input.id;
    }
    // A hidden required select would stop the form without a word: the server says what is
    // missing instead, beside the field.
    select.required = false;

    select.hidden = true;
    select.parentNode.insertBefore(box, select.nextSibling);
    if (multiple) box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(list);

    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function chosenOption() {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].selected && select.options[i].value) return select.options[i];
      }
      return null;
    }

    function drawChosen() {
      if (!multiple) {
        var option = chosenOption();
        input.value = option ? option.text : "";
        return;
      }
      chips.textContent = "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected || !option.value) return;
        var chip = document.createElement("li");
        chip.className = "compound-ac__chip";
        chip.textContent = option.text + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "compound-ac__remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", option.text);
        remove.addEventListener("click", function () {
          select.removeChild(option);
          drawChosen();
          select.dispatchEvent(new Event("change", { bubbles: true }));
          input.focus();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      results = [];
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      active = index;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function pick(index) {
      var result = results[index];
      if (!result) return;
      var value = String(result.id);
      if (!multiple) {
        Array.prototype.slice.call(select.options).forEach(function (option) {
          if (option.value) select.removeChild(option);
        });
      }
      var existing = Array.prototype.filter.call(select.options, function (option) {
        return option.value === value;
      })[0];
      if (existing) {
        existing.selected = true;
      } else {
        existing = new Option(result.text, value, true, true);
        select.appendChild(existing);
      }
      // What else the endpoint said of it (the company running it) for the page's own script.
      if (result.company !== undefined) existing.dataset.company = result.company;
      close();
      drawChosen();
      if (multiple) input.value = "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found) {
      results = found;
      list.textContent = "";
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "compound-ac__none";
        none.textContent = select.dataset.autocompleteEmpty || "";
        list.appendChild(none);
      }
      found.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.className = "compound-ac__option";
        item.textContent = result.text;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the text box
          pick(i);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function ask() {
      var url = select.dataset.autocompleteUrl;
      url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(input.value.trim());
      var ticket = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket === asked && document.activeElement === input) show(data.results || []);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      if (!multiple && !input.value.trim()) {
        // Emptying the box takes the choice away ("All" on a filter).
        Array.prototype.slice.call(select.options).forEach(function (option) {
          if (option.value) select.removeChild(option);
        });
        if (select.options.length) select.options[0].selected = true;
      }
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("focus", function () {
      if (multiple || !chosenOption()) {
        clearTimeout(timer);
        timer = setTimeout(ask, DELAY_MS);
      }
    });
    input.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) ask();
        else if (count) highlight((active + 1) % count);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (count) highlight((active - 1 + count) % count);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // pick, not submit
          pick(active);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", function () {
      clearTimeout(timer);
      asked++;
      close();
      if (!multiple) drawChosen(); // a half-typed word does not stay as if chosen
    });

    drawChosen();
  }

  function setupAll(root) {
    Array.prototype.forEach.call(
      (root || document).querySelectorAll("select[data-autocomplete-url]"),
      setup
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setupAll();
    });
  } else {
    setupAll();
  }
  // Forms swapped in by htmx get theirs too.
  document.addEventListener("htmx:afterSwap", function (event) {
    setupAll(event.target);
  });
})();
