// The grid form's building picker (estates/widgets.py): a combobox searches the buildings
// and whole compounds of the community chosen in the form's region field; a chosen
// building becomes a list item with a hidden input and a remove button. Started from
// data attributes, as the admin's content security policy refuses inline scripts.
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
    let timer = null;
    let active = -1;
    let options = [];

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

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(option) {
      const have = chosenIds();
      const added = option.buildings.filter(function (building) {
        return addBuilding(building, have);
      });
      refresh();
      say(texts.added + " " + (added.length === 1 ? added[0].label : option.label + " " + option.detail));
      input.value = "";
      close();
      input.focus();
    }

    function render(results) {
      list.innerHTML = "";
      options = results;
      const have = chosenIds();
      if (!results.length) {
        const li = document.createElement("li");
        li.className = "building-picker__option building-picker__option--empty";
        li.textContent = texts.empty;
        list.appendChild(li);
      }
      results.forEach(function (option, index) {
        const li = document.createElement("li");
        li.id = input.id + "-option-" + index;
        li.className = "building-picker__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
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
        if (all) li.setAttribute("aria-disabled", "true");
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          if (!all) choose(option);
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
      const region = community();
      if (!q) {
        close();
        say("");
        return;
      }
      if (!region) {
        close();
        say(texts.noCommunity);
        return;
      }
      say("");
      const url = box.dataset.searchUrl + "?region=" + region + "&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() === q && community() === region) render(data.results);
        })
        .catch(function () {
          close();
          say(texts.failed);
        });
    }

    input.addEventListener("input", function () {
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
        const item = list.querySelectorAll("[role=option]")[active];
        if (item && item.getAttribute("aria-disabled") !== "true") choose(options[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 150);
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
