// The grid form's building picker (estates/widgets.py): a combobox (estates/js/combobox.js)
// searches the buildings and whole compounds of the community chosen in the form's region
// field; a chosen building becomes a list item with a hidden input and a remove button.
// Started from data attributes, as the admin's content security policy refuses inline
// scripts.
(function () {
  "use strict";

  function start(box) {
    if (box.dataset.started) return;
    box.dataset.started = "1";
    const input = box.querySelector("[role=combobox]");
    const list = box.querySelector("[role=listbox]");
    const chosen = box.querySelector(".building-picker__chosen");
    const none = box.querySelector(".building-picker__none");
    const status = box.querySelector(".building-picker__status");
    const texts = {
      empty: box.dataset.textEmpty,
      noCommunity: box.dataset.textNoCommunity,
      remove: box.dataset.textRemove,
      added: box.dataset.textAdded,
      removed: box.dataset.textRemoved,
      failed: box.dataset.textFailed,
    };

    function community() {
      const region = document.getElementById(box.dataset.regionInput);
      const value = region ? region.value.trim() : "";
      return /^\d+$/.test(value) ? value : "";
    }

    function chosenIds() {
      return new Set(
        Array.from(chosen.querySelectorAll("input[type=hidden]")).map(function (hidden) {
          return hidden.value;
        })
      );
    }

    function refresh() {
      none.hidden = chosen.children.length > 0;
    }

    function say(text) {
      status.textContent = text || "";
    }

    function addBuilding(building, have) {
      if (have.has(String(building.id))) return false;
      have.add(String(building.id));
      const li = document.createElement("li");
      li.className = "building-picker__item";
      const label = document.createElement("span");
      label.className = "building-picker__label";
      label.textContent = building.label;
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = box.dataset.name;
      hidden.value = building.id;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button-small button-secondary building-picker__remove";
      remove.dataset.removeBuilding = "";
      remove.setAttribute("aria-label", texts.remove + " " + building.label);
      remove.textContent = texts.remove;
      li.append(label, hidden, remove);
      chosen.appendChild(li);
      return true;
    }

    const combobox = window.GovernanceCombobox(input, list, {
      optionClass: "building-picker__option",
      empty: texts.empty,
      typed: function () {
        if (!input.value.trim()) say("");
      },
      search: function (q) {
        const region = community();
        if (!region) {
          say(texts.noCommunity);
          return null;
        }
        say("");
        const url = box.dataset.searchUrl + "?region=" + region + "&q=" + encodeURIComponent(q);
        return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (data) {
            return community() === region ? data.results : null; // the community changed
          });
      },
      failed: function () {
        say(texts.failed);
      },
      fill: function (li, option) {
        const have = chosenIds();
        const name = document.createElement("strong");
        name.textContent = option.label;
        li.appendChild(name);
        const all = option.buildings.every(function (b) { return have.has(String(b.id)); });
        const detail = (option.detail ? " " + option.detail : "") + (all ? " · " + texts.added : "");
        if (detail) {
          const span = document.createElement("span");
          span.textContent = detail;
          li.appendChild(span);
        }
        return !all;
      },
      choose: function (option) {
        const have = chosenIds();
        const added = option.buildings.filter(function (building) {
          return addBuilding(building, have);
        });
        refresh();
        say(texts.added + " " + (added.length === 1 ? added[0].label : option.label + " " + option.detail));
        input.value = "";
        combobox.close();
        input.focus();
      },
    });

    chosen.addEventListener("click", function (event) {
      const button = event.target.closest("[data-remove-building]");
      if (!button) return;
      const item = button.closest(".building-picker__item");
      const next = item.nextElementSibling || item.previousElementSibling;
      const label = item.querySelector(".building-picker__label").textContent;
      item.remove();
      refresh();
      say(texts.removed + " " + label);
      // Keep the keyboard where it was: the next remove button, else the search box.
      (next ? next.querySelector("[data-remove-building]") : input).focus();
    });
  }

  function startAll(root) {
    root.querySelectorAll("[data-building-picker]").forEach(start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { startAll(document); });
  } else {
    startAll(document);
  }
})();
