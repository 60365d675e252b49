// /map: pointing at a place (or focusing it with the keyboard) highlights its routes, the places
// they join and their rows in the tables; pointing at a route highlights it and its two places.
// The map is complete without this script: it only adds emphasis and the caption's text.
(function () {
  "use strict";
  const svgs = Array.from(document.querySelectorAll("svg.route-svg"));
  if (!svgs.length) return;
  const info = document.getElementById("map-info");
  const resting = info ? info.textContent : "";
  const routes = Array.from(document.querySelectorAll("svg.route-svg .route"));
  const places = Array.from(document.querySelectorAll("svg.route-svg .place"));
  const labels = Array.from(document.querySelectorAll("svg.route-svg .site-label"));
  const rows = Array.from(document.querySelectorAll(".routes-table tr[data-from], .places-table tr[data-place]"));
  // the same place or step may be drawn on the map and on its enlargement
  const byIri = new Map(places.slice().reverse().map((p) => [p.dataset.place, p]));
  const sameStep = (a, b) => a.dataset.from === b.dataset.from && a.dataset.to === b.dataset.to;

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function show(iris, chosenRoutes, text) {
    svgs.forEach((svg) => svg.classList.add("focused"));
    routes.forEach((r) => r.classList.toggle("hl", chosenRoutes.some((c) => sameStep(c, r))));
    places.forEach((p) => p.classList.toggle("hl", iris.has(p.dataset.place)));
    labels.forEach((l) => {
      const named = l.dataset.places.split(" ");
      l.classList.toggle("hl", named.some((iri) => iris.has(iri)));
    });
    rows.forEach((row) => {
      const hit = row.dataset.place
        ? iris.has(row.dataset.place)
        : chosenRoutes.some((r) => sameStep(r, row));
      row.classList.toggle("hl", hit);
    });
    if (info) info.textContent = text;
  }

  function clear() {
    svgs.forEach((svg) => svg.classList.remove("focused"));
    document.querySelectorAll("svg.route-svg .hl").forEach((e) => e.classList.remove("hl"));
    rows.forEach((row) => row.classList.remove("hl"));
    if (info) info.textContent = resting;
  }

  function name(place) {
    if (!place) return "?";
    const ko = place.dataset.nameKo;
    return place.dataset.name + (ko ? " · " + ko : "");
  }

  function focusPlace(place) {
    const iri = place.dataset.place;
    const main = place.ownerSVGElement || svgs[0];
    const mine = routes.filter((r) => r.ownerSVGElement === main);
    const out = mine.filter((r) => r.dataset.from === iri);
    const into = mine.filter((r) => r.dataset.to === iri);
    const chosen = out.concat(into);
    const iris = new Set([iri]);
    chosen.forEach((r) => {
      iris.add(r.dataset.from);
      iris.add(r.dataset.to);
    });
    let text = name(place) + ": " + plural(Number(place.dataset.victims), "victim") +
      " moved from or to here; " + plural(into.length, "route") + " in, " +
      plural(out.length, "route") + " out.";
    if (place.dataset.approximate !== undefined) {
      text += " Approximate position (the coordinates of " + place.dataset.approximate + ").";
    }
    show(iris, chosen, text);
  }

  function focusRoute(route) {
    const from = byIri.get(route.dataset.from);
    const to = byIri.get(route.dataset.to);
    const text = name(from) + " → " + name(to) + ": " + plural(Number(route.dataset.victims), "victim") + ".";
    show(new Set([route.dataset.from, route.dataset.to]), [route], text);
  }

  places.forEach((p) => {
    p.addEventListener("mouseenter", () => focusPlace(p));
    p.addEventListener("focus", () => focusPlace(p));
    p.addEventListener("mouseleave", clear);
    p.addEventListener("blur", clear);
  });
  routes.forEach((r) => {
    r.addEventListener("mouseenter", () => focusRoute(r));
    r.addEventListener("mouseleave", clear);
  });
  rows.forEach((row) => {
    row.addEventListener("mouseenter", () => {
      if (row.dataset.place) {
        const place = byIri.get(row.dataset.place);
        if (place) focusPlace(place);
      } else {
        const route = routes.find((r) => sameStep(r, row));
        if (route) focusRoute(route);
      }
    });
    row.addEventListener("mouseleave", clear);
  });
})();
