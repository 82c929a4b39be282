"""Accessibility basics measured in the page itself, and screenshots at phone and desktop widths.

`look(page, name)` saves test-artifacts/screenshots/<name>-phone.png and -desktop.png and returns the
problems found on the page: unlabelled form controls, not exactly one h1 or skipped heading levels,
button text below 4.5:1 contrast (from computed styles), images without alt, controls reached with
Tab whose focus is not visible, and pages that scroll sideways at phone width.
"""
from tests.browser.conftest import ARTIFACTS

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
MIN_CONTRAST = 4.5
MAX_TABS = 80

# Colour helpers shared by the checks: parse, composite over what is behind, WCAG contrast ratio.
COLOURS = r"""
  const rgba = value => {
    const m = (value || "").match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r, g, b, a};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const background = el => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour && colour.a > 0) layers.push(colour);
      if (colour && colour.a >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), {r: 255, g: 255, b: 255, a: 1});
  };
  const luminance = c => {
    const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const contrast = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
"""

# Every check returns a list of "what: where" strings; none means the page passes.
STATIC_CHECKS = r"""
() => {
  const problems = [];
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const describe = el => {
    const bits = [el.tagName.toLowerCase()];
    if (el.id) bits.push("#" + el.id);
    if (el.name) bits.push(`[name=${el.name}]`);
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return bits.join("") + (text ? ` "${text}"` : "");
  };

  // Form controls: label[for], a wrapping label, aria-label or aria-labelledby.
  const unlabelled = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset])" +
                     ":not([type=image]), select, textarea";
  for (const el of document.querySelectorAll(unlabelled)) {
    const byIds = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map(id => document.getElementById(id)).filter(ref => ref && ref.textContent.trim());
    const named = (el.labels && [...el.labels].some(l => l.textContent.trim()))
      || (el.getAttribute("aria-label") || "").trim() || byIds.length;
    if (!named) problems.push("form control without a label: " + describe(el));
  }

  // Headings: one h1, and no level skipped on the way down.
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(shown);
  const h1s = headings.filter(h => h.tagName === "H1").length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements (one expected)`);
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (level > previous + 1) problems.push(`heading level skipped: h${previous} then ${describe(h)}`);
    previous = level;
  }

  // Images need alt (empty for decoration).
  for (const img of document.querySelectorAll("img:not([alt])")) {
    problems.push("image without alt: " + img.src);
  }

  // Button text contrast, from the computed colours over the first opaque background behind it.
  COLOURS
  const buttons = "button, input[type=submit], input[type=button], a.button, [role=button]";
  for (const el of document.querySelectorAll(buttons)) {
    if (!shown(el) || el.disabled || !(el.innerText || el.value || "").trim()) continue;
    const bg = background(el);
    const ratio = contrast(over(rgba(getComputedStyle(el).color), bg), bg);
    if (ratio < MIN_CONTRAST) problems.push(`button text contrast ${ratio.toFixed(2)}:1: ${describe(el)}`);
  }
  return problems;
}
""".replace("MIN_CONTRAST", str(MIN_CONTRAST)).replace("COLOURS", COLOURS)

# The focused element's ring: an outline or box-shadow whose colour stands out (3:1, WCAG's non-text
# contrast) from what is painted just outside it on every side, found by hit-testing beside the element.
FOCUS_SHOWN = r"""
() => {
  COLOURS
  const CONTROLS = "a, button, input, select, textarea, summary";  // neighbours the ring may overlap
  const el = document.activeElement;
  if (!el || el === document.body || el.dataset.a11yStart !== undefined) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const gap = parseFloat(style.outlineOffset || 0) + parseFloat(style.outlineWidth || 0) + 2;
  const [midX, midY] = [rect.left + rect.width / 2, rect.top + rect.height / 2];
  const points = [[midX, rect.top - gap], [midX, rect.bottom + gap],
                  [rect.left - gap, midY], [rect.right + gap, midY]];
  const inside = ([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
  const behind = points.filter(inside).map(point => document.elementsFromPoint(...point)
    .find(node => !el.contains(node) && !node.matches(CONTROLS))).filter(Boolean).map(background);
  if (!behind.length) behind.push(background(el.parentElement || document.body));
  const rings = [];
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  if (outlined) rings.push(rgba(style.outlineColor));
  for (const m of (style.boxShadow || "").matchAll(/rgba?\([^)]+\)/g)) rings.push(rgba(m[0]));
  // On every side some ring must stand out (a two-tone ring shows on light and dark alike).
  const best = Math.min(...behind.map(colour => Math.max(0, ...rings.filter(Boolean).map(
    ring => contrast(over(ring, colour), colour)))));
  const label = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " +
    (el.innerText || el.getAttribute("aria-label") || el.name || "").trim().replace(/\s+/g, " ").slice(0, 40);
  return {key: el.outerHTML.slice(0, 300), label, ratio: best, visible: best >= 3};
}
""".replace("COLOURS", COLOURS)

# Tab starts from a placeholder at the top of the body, so every page is walked from its first control.
START_AT_TOP = r"""
() => {
  const start = document.createElement("span");
  start.tabIndex = -1;
  start.dataset.a11yStart = "";
  document.body.prepend(start);
  start.focus();
}
"""


def focus_problems(page):
    """Tab through the page's controls: each focused one must show a ring that stands out (3:1)."""
    page.evaluate(START_AT_TOP)
    problems, seen = [], set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_SHOWN)
        if focused is None or focused["key"] in seen:
            break
        seen.add(focused["key"])
        if not focused["visible"]:
            ratio = focused["ratio"]
            problems.append(f"focus not visible on {focused['label']} (ring contrast {ratio:.2f}:1)")
    page.evaluate("() => document.querySelectorAll('[data-a11y-start]').forEach(node => node.remove())")
    if not seen:
        problems.append("Tab reaches no control")
    return problems


def screenshots(page, name):
    """Full-page screenshots at phone and desktop widths (the desktop viewport is left in place); a
    problem when the page scrolls sideways at phone width (content should reflow, WCAG 1.4.10)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for suffix, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if suffix == "phone" and width > size["width"]:
            problems.append(f"scrolls sideways at {size['width']}px wide: the page is {width}px wide")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{suffix}.png"), full_page=True)
    return problems


def look(page, name):
    """Screenshots of the page, then its accessibility problems (an empty list when it passes)."""
    return screenshots(page, name) + page.evaluate(STATIC_CHECKS) + focus_problems(page)
