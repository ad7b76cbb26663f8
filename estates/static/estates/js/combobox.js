// The admin's search boxes with a list of options (WAI-ARIA combobox), shared by the
// nomination's owner autocomplete (committees/elections/nominate.js) and the grid form's
// building picker (estates/js/building-picker.js). Typing waits 200 ms, then asks
// hooks.search(q); the arrow keys move through the options, Enter chooses, Escape closes;
// Enter never submits the form.
//
// hooks:
//   search(q)            a promise of the options for q, or null to ask nothing (the list
//                        closes); a promise resolving to null is a stale answer, ignored
//   fill(li, option)     writes the option's text into its list item; returns false when
//                        the option cannot be chosen (shown, marked aria-disabled)
//   choose(option)       the option picked with the mouse or Enter
//   typed()              optional, on each keystroke (e.g. forget an earlier choice)
//   failed()             optional, when search's promise fails
//   empty, optionClass   the text shown when nothing matches; the list items' class
(function () {
  "use strict";

  window.GovernanceCombobox = function (input, list, hooks) {
    let timer = null;
    let active = -1;
    let options = [];
    let choosable = [];

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function render(results) {
      list.innerHTML = "";
      options = results;
      choosable = [];
      if (!results.length) {
        const li = document.createElement("li");
        li.className = hooks.optionClass + " " + hooks.optionClass + "--empty";
        li.textContent = hooks.empty;
        list.appendChild(li);
      }
      results.forEach(function (option, index) {
        const li = document.createElement("li");
        li.id = input.id + "-option-" + index;
        li.className = hooks.optionClass;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const can = hooks.fill(li, option) !== false;
        choosable.push(can);
        if (!can) li.setAttribute("aria-disabled", "true");
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          if (can) hooks.choose(option);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      const items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) {
        item.classList.toggle("is-active", i === index);
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function search() {
      const q = input.value.trim();
      const answer = q ? hooks.search(q) : null;
      if (!answer) {
        close();
        return;
      }
      answer
        .then(function (results) {
          if (results && input.value.trim() === q) render(results);
        })
        .catch(function () {
          close();
          if (hooks.failed) hooks.failed();
        });
    }

    input.addEventListener("input", function () {
      if (hooks.typed) hooks.typed();
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // never submits the form
      if (list.hidden || !options.length) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && active >= 0) {
        if (choosable[active]) hooks.choose(options[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });

    return { close: close };
  };
})();
