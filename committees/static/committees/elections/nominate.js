// The nomination autocomplete: the visible box searches the election's compound for
// owners (committees_reviews:owners), a hidden field carries the chosen owner's id. The
// list and keys are the admin's shared combobox (estates/js/combobox.js).
(function () {
  "use strict";
  const box = document.querySelector(".owner-autocomplete");
  if (!box) return;
  const input = box.querySelector("input[role=combobox]");
  const list = box.querySelector("[role=listbox]");
  const hidden = document.getElementById("id_owner");
  const texts = box.dataset;

  const combobox = window.GovernanceCombobox(input, list, {
    optionClass: "owner-option",
    empty: texts.empty,
    typed: function () {
      hidden.value = "";
    },
    search: function (q) {
      return fetch(box.dataset.ownersUrl + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          return data.results;
        });
    },
    fill: function (li, option) {
      li.dataset.ownerId = option.id;
      const name = document.createElement("strong");
      name.textContent = option.name;
      li.appendChild(name);
      const units = document.createElement("span");
      units.textContent = " " + option.units + (option.nominated ? " · " + texts.nominated : "");
      li.appendChild(units);
      return !option.nominated;
    },
    choose: function (option) {
      hidden.value = option.id;
      input.value = option.name;
      combobox.close();
    },
  });
})();
