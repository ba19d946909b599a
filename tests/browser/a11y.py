"""Accessibility checks the journeys run on the pages they pass through.

``check_page`` asserts that every form control has a label, that ``html[lang]`` is the language
the page should be in, and that headings start at h1 and never skip a level; ``tab_to`` asserts
that an element is reached from the top of the page with the Tab key alone (and leaves it
focused, so that the journey can go on with Enter or Space).
"""

from __future__ import annotations

PROBLEMS_SCRIPT = """
() => {
  const problems = [];
  const skipped = ['hidden', 'submit', 'button', 'reset', 'image'];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (skipped.includes(type)) continue;
    const byLabel = el.labels && [...el.labels].some((label) => label.textContent.trim());
    const byAria = (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(
        (id) => id && document.getElementById(id)?.textContent.trim());
    if (!byLabel && !byAria) {
      problems.push(`unlabelled ${el.tagName.toLowerCase()} name=${el.name} id=${el.id}`);
    }
  }
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  if (document.querySelectorAll('h1').length !== 1) {
    problems.push(`${document.querySelectorAll('h1').length} h1 headings`);
  }
  let previous = 0;
  for (const heading of headings) {
    const level = Number(heading.tagName[1]);
    if (previous === 0 && level !== 1) problems.push(`first heading is ${heading.tagName}`);
    if (previous && level > previous + 1) {
      problems.push(`h${previous} then h${level}: ${heading.textContent.trim().slice(0, 60)}`);
    }
    previous = level;
  }
  return problems;
}
"""


def check_page(page, lang: str) -> None:
    """Labels, language and heading order of the page as it is now."""
    assert page.locator("html").get_attribute("lang") == lang, page.url
    problems = page.evaluate(PROBLEMS_SCRIPT)
    assert problems == [], f"{page.url}: {problems}"


def tab_to(page, target, *, limit: int = 400) -> int:
    """Press Tab from the top of the page until ``target`` (a locator) has the focus.

    Returns the number of presses; fails when the element is never reached.
    """
    handle = target.element_handle()
    page.evaluate(
        """() => {
            const first = document.querySelector('.skip-link') || document.body;
            first.focus();
        }"""
    )
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return presses
    raise AssertionError(f"{page.url}: not reachable with Tab in {limit} presses: {target}")
