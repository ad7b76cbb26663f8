// The nomination autocomplete: the visible box searches the election's compound for
// owners (committees_reviews:owners), a hidden field carries the chosen owner's id.
(function () {
  "use strict";
  const box = document.querySelector(".owner-autocomplete");
  if (!box) return;
  const input = box.querySelector("input[role=combobox]");
  const list = box.querySelector("[role=listbox]");
  const hidden = document.getElementById("id_owner");
  const texts = box.dataset;
  let timer = null;
  let active = -1;
  let options = [];

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function choose(option) {
    if (option.nominated) return;
    hidden.value = option.id;
    input.value = option.name;
    close();
  }

  function render(results) {
    list.innerHTML = "";
    options = results;
    if (!results.length) {
      const li = document.createElement("li");
      li.className = "owner-option owner-option--empty";
      li.textContent = texts.empty;
      list.appendChild(li);
    }
    results.forEach(function (option, index) {
      const li = document.createElement("li");
      li.id = "owner-option-" + index;
      li.className = "owner-option";
      li.setAttribute("role", "option");
      li.dataset.ownerId = option.id;
      const name = document.createElement("strong");
      name.textContent = option.name;
      li.appendChild(name);
      const units = document.createElement("span");
      units.textContent = " " + option.units + (option.nominated ? " · " + texts.nominated : "");
      li.appendChild(units);
      if (option.nominated) li.setAttribute("aria-disabled", "true");
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(option);
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
    });
    active = index;
    if (items[index]) input.setAttribute("aria-activedescendant", items[index].id);
  }

  input.addEventListener("input", function () {
    hidden.value = "";
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      close();
      return;
    }
    timer = setTimeout(function () {
      fetch(box.dataset.ownersUrl + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() === q) render(data.results);
        });
    }, 200);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden || !options.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(Math.min(active + 1, options.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", function () {
    setTimeout(close, 150);
  });
})();
