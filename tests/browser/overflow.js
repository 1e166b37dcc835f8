// What sticks out of a phone's viewport: `out`, the elements wider than the page that no
// scrolling box contains; `outer`, the outermost wide elements, contained or not (where the
// width comes from).
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && getComputedStyle(element).position !== "fixed") {
      let inside = element.parentElement;
      let clipped = false;
      while (inside && inside !== document.body) {
        const overflow = getComputedStyle(inside).overflowX;
        if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") { clipped = true; break; }
        inside = inside.parentElement;
      }
      if (!clipped) out.push(`${element.tagName.toLowerCase()}.${element.className} right=${Math.round(box.right)}`);
    }
  }
  // The outermost elements wider than the page, clipped or not: where the width comes from.
  const outer = [];
  for (const element of document.querySelectorAll("body *")) {
    const parent = element.parentElement;
    if (element.getBoundingClientRect().right > width + 1 && parent && parent.getBoundingClientRect().right <= width + 1) {
      outer.push(`${element.tagName.toLowerCase()}.${element.className} right=${Math.round(element.getBoundingClientRect().right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 8), outer: outer.slice(0, 8)};
}
