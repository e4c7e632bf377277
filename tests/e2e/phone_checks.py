"""What the phone walk (tests/e2e/test_phone_walk.py) walks, and the checks it runs in the page.

The pages come from the access matrix: every ``GET`` entry of a page (not the API, not a file),
as one representative of each kind of role it allows. The checks are JavaScript run in the page;
each returns a list of problems ``{"check", "element", "detail"}`` so the walk can collect them all
and fail once with a readable list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.security.access_matrix import MATRIX, is_api

# one role of each kind: shopper2, seller_b, askrindo and gov_other see the same pages as their twins
WALKERS = ("anonymous", "shopper", "seller_a", "agency", "jasindo", "gov_pp", "gov_ppk", "gov_bendahara", "admin")
WIDTHS = ((360, 740), (390, 844))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING = {"serious", "critical"}
# files, not pages: their answer is no HTML document (the walk checks the content type as well)
NOT_A_PAGE = re.compile(
    r"^/(static|media)/|/static/|\.(csv|json|svg|pdf|ics|xml|txt|js|css|png|jpe?g|webp)$|/photos/|/proof$"
    r"|^/healthz$|^/logout$|/status$"
)


@dataclass(frozen=True)
class Stop:
    """One page as one role."""

    key: str  # the matrix key, e.g. "GET /orders/<number>"
    role: str

    @property
    def name(self) -> str:
        """A file name for the page's screenshot."""
        path = self.key.split(" ", 1)[1].strip("/") or "home"
        return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def page_keys() -> list[str]:
    """Every GET entry of the matrix that may be an HTML page, in a stable order."""
    keys = []
    for key in sorted(MATRIX):
        method, path = key.split(" ", 1)
        if method == "GET" and not is_api(path) and not NOT_A_PAGE.search(path):
            keys.append(key)
    return keys


def stops() -> list[Stop]:
    return [Stop(key, role) for key in page_keys() for role in WALKERS if role in MATRIX[key].allow]


# --- the checks, in the page ----------------------------------------------------------------------

_DESCRIBE = """
const describe = (el) => {
  const parts = [];
  for (let node = el, depth = 0; node && node.nodeType === 1 && depth < 3; node = node.parentElement, depth++) {
    let part = node.tagName.toLowerCase();
    if (node.id) { parts.unshift(part + '#' + node.id); break; }
    const classes = [...node.classList].slice(0, 2);
    if (classes.length) part += '.' + classes.join('.');
    parts.unshift(part);
  }
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  return parts.join(' > ') + (text ? ' "' + text.slice(0, 40) + '"' : '');
};
const shown = (el) => {
  if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
  const r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1) return false;  // visually hidden (.sr-only and the like)
  if (el.closest('.sr-only, .skip, [aria-hidden=true]')) return false;
  // inside a visually hidden box (a stacked table's thead: 1 px, clipped, read by screen readers)
  for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
    const box = node.getBoundingClientRect();
    if ((box.width <= 1 || box.height <= 1) && getComputedStyle(node).overflow !== 'visible') return false;
  }
  return true;
};
const size = (r) => Math.round(r.width) + 'x' + Math.round(r.height);
"""

SIDEWAYS = """() => {
  const width = document.documentElement.scrollWidth, inner = window.innerWidth;
  return width > inner ? [{check: 'sideways scroll', element: 'html',
                           detail: 'scrollWidth ' + width + ' > innerWidth ' + inner}] : [];
}"""

CLIPPED = (
    "() => {"
    + _DESCRIBE
    + """
  const strip = (el) => {  // a horizontally scrollable strip (.chips, .table-wrap) clips on purpose
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const ox = getComputedStyle(node).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && node.scrollWidth > node.clientWidth) return true;
    }
    return false;
  };
  const shortened = (style) => style.textOverflow === 'ellipsis' || style.webkitLineClamp !== 'none';
  const clipper = (el, r) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      if (shortened(style)) return null;
      const box = node.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1) return node;
      if (style.overflowY !== 'visible' && (r.top < box.top - 1 || r.bottom > box.bottom + 1)) return node;
    }
    return null;
  };
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const controls = 'a, button, input:not([type=hidden]), select, textarea, summary, label, img';
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!(el.matches(controls) || ownText(el)) || !shown(el) || strip(el)) continue;
    const r = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (r.left < -1 || r.right > window.innerWidth + 1) {
      out.push({check: 'outside the viewport', element: describe(el),
                detail: 'x ' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + window.innerWidth});
      continue;
    }
    if (style.overflowX !== 'visible' && !shortened(style) && el.scrollWidth > el.clientWidth + 1
        && !el.matches('input, select, textarea, img')) {
      out.push({check: 'clipped text', element: describe(el),
                detail: 'content ' + el.scrollWidth + 'px in a ' + el.clientWidth + 'px box'});
      continue;
    }
    const by = clipper(el, r);
    if (by) out.push({check: 'clipped by an ancestor', element: describe(el),
                      detail: size(r) + ' cut by ' + describe(by).split(' "')[0]});
  }
  return out;
}"""
)

TAP_TARGETS = (
    "() => {"
    + _DESCRIBE
    + """
  const MIN = 44;
  const inSentence = (a) => {  // WCAG 2.5.8's inline exception: a link inside running text
    const block = a.closest('p, li, td, dd');
    if (!block) return false;
    const rest = block.textContent.replace(a.textContent, '').trim();
    return rest.length > 0 && getComputedStyle(a).display === 'inline';
  };
  const choice = (el) => el.matches('input[type=checkbox], input[type=radio]');
  const labelOfChoice = (el) => el.tagName === 'LABEL'
    && ((el.control && choice(el.control)) || el.querySelector('input[type=checkbox], input[type=radio]'));
  const out = [];
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label';
  for (const el of document.body.querySelectorAll(targets)) {
    if (el.tagName === 'LABEL' && !labelOfChoice(el)) continue;
    if (!shown(el) || (el.tagName === 'A' && inSentence(el))) continue;
    // a checkbox or radio is tapped through its label, which is measured instead
    if (choice(el) && el.labels && [...el.labels].some((l) => shown(l))) continue;
    const r = el.getBoundingClientRect();
    if (r.width < MIN - 0.5 || r.height < MIN - 0.5)
      out.push({check: 'tap target < 44x44', element: describe(el), detail: size(r)});
  }
  return out;
}"""
)

GEOMETRY = (SIDEWAYS, CLIPPED, TAP_TARGETS)


def axe_problems(results: dict) -> list[dict]:
    """The serious and critical violations of an axe-core run, one problem per element."""
    out = []
    for violation in results.get("violations", []):
        if violation.get("impact") not in AXE_FAILING:
            continue
        for node in violation.get("nodes", [])[:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            out.append(
                {
                    "check": f"axe {violation['id']} ({violation['impact']})",
                    "element": target,
                    "detail": (node.get("failureSummary") or violation.get("help", "")).replace("\n", " ")[:200],
                }
            )
    return out


def summary(failures: list[tuple[Stop, int, dict]], top: int = 15) -> list[str]:
    """The problems seen on most pages first: one shared piece (the header, a table pattern) shows
    up on every page it is part of, and is fixed once."""
    pages: dict[tuple[str, str], set[str]] = {}
    for stop, _width, problem in failures:
        element = problem["element"].split(' "')[0]
        pages.setdefault((problem["check"], element), set()).add(stop.key)
    common = sorted(pages.items(), key=lambda item: (-len(item[1]), item[0]))[:top]
    return [f"  on {len(keys):>3} page(s): {check}: {element}" for (check, element), keys in common]


def report(failures: list[tuple[Stop, int, dict]]) -> str:
    """All the failures: the most widespread first, then every one grouped by page, one line each."""
    pages = {stop.key for stop, _width, _problem in failures}
    lines = [f"{len(failures)} problem(s) on phones, on {len(pages)} page(s). Most widespread:"]
    lines += summary(failures)
    lines.append("\nEvery problem, by page:")
    current = None
    for stop, width, problem in sorted(failures, key=lambda f: (f[0].key, f[0].role, f[1], f[2]["check"])):
        if stop.key != current:
            current = stop.key
            lines.append(f"\n{stop.key}")
        lines.append(f"  {stop.role:<9} {width}px  {problem['check']}: {problem['element']} — {problem['detail']}")
    return "\n".join(lines)
