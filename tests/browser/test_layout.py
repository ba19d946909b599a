"""Every main page works on a phone (375×740) and a laptop (1280×800), in Vietnamese.

For each page and width: the page itself never scrolls sideways (a wide table scrolls inside its
own wrapper, `.table-wrap`), the header is one row (the main menu's links aside: on a laptop they
are a row of their own; on a phone they and the account controls fold behind the menu button),
the main navigation can be reached (on a phone through the menu button, with the keyboard alone;
without JavaScript the menu stays open), no inline script or handler is used (the CSP forbids
them), chart labels are not cut off, and form fields are wide enough to type in. One
administrator session walks all the pages; a screenshot of each page at each width lands in
test-results/screenshots/layout-*.png. On the search page the results come first on a phone:
the filters fold behind a summary that says how many are in use.
"""

from __future__ import annotations

from datetime import date

from diaspora.contacts import services as contact_services
from diaspora.contacts.consent import record_consent
from diaspora.contacts.data import ConsentInput, ContactData, ExpertiseEntry
from diaspora.delegations import services as visit_services
from diaspora.demo.services import seed_demo
from diaspora.engagements import services as engagement_services
from diaspora.extensions import db
from diaspora.models import Contact, User
from diaspora.outreach import services as outreach_services
from diaspora.privacy import subject_requests
from diaspora.privacy.notice import PRIVACY_NOTICE_VERSION
from diaspora.privacy.request_validation import RequestInput
from diaspora.public import services as submissions
from diaspora.transfer import imports
from tests.engagement_helpers import engagement_data
from tests.outreach_helpers import outreach_data, visit_data
from tests.transfer_helpers import csv_bytes

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
MIN_FIELD_WIDTH = 200  # px: narrower than this, a name or an address cannot be read back

# Long Vietnamese values, as officers type them: the layout must hold them.
LONG_NAME = "Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Bảo Ngọc"
IMPORT_ROWS = [
    ["Họ và tên", "Quốc gia", "Thành phố", "Email", "Điện thoại", "Nghề nghiệp", "Ghi chú"],
    [LONG_NAME, "Nhật Bản", "Tokyo", "thao@example.jp", "+81 90 1234 5678", "Kỹ sư", "Hội"],
    ["Trần Thị Bình", "Japan", "Osaka", "khong-hop-le", "", "Bác sĩ", ""],
    ["Lê Minh Châu", "DE", "Berlin", "", "", "", ""],
]

# What the page reports about itself, measured in the browser.
MEASURE = """
(phone) => {
  const problems = [];
  const doc = document.documentElement;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (scrolls(box)) return true;
    }
    return false;
  };
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .filter((el) => !inScroller(el) || getComputedStyle(el).position === 'absolute')
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
        + `#${el.id} (${Math.round(el.getBoundingClientRect().right)}px)`);
    problems.push(`page is ${doc.scrollWidth}px wide: ${wide.join(', ')}`);
  }
  for (const table of document.querySelectorAll('main table')) {
    if (!inScroller(table)) {
      problems.push(`table not in a scrolling wrapper: ${(table.querySelector('caption, th')
        || table).textContent.trim().slice(0, 40)}`);
    }
  }
  for (const text of document.querySelectorAll('main svg text')) {
    const box = text.getBBox();
    const view = text.ownerSVGElement.viewBox.baseVal;
    if (box.x < view.x - 1 || box.x + box.width > view.x + view.width + 1) {
      problems.push(`chart text cut off: ${text.textContent.trim()}`);
    }
  }
  if (document.querySelector('script:not([src])')) problems.push('inline script');
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) problems.push(`inline handler ${attr.name}`);
    }
  }
  // On a phone every field; on a laptop the fields people type words into.
  const typed = ['text', 'search', 'email', 'tel', 'url', 'password', ''];
  const skipped = ['hidden', 'checkbox', 'radio', 'submit', 'button', 'reset', 'image', 'file',
                   'color', 'range'];
  for (const el of document.querySelectorAll('main input, main select, main textarea')) {
    const type = el.tagName === 'INPUT' ? (el.getAttribute('type') || '').toLowerCase() : '';
    if (skipped.includes(type)) continue;
    const words = el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && typed.includes(type));
    if (!phone && !words) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || rect.right < 0) continue;  // not shown
    if (inScroller(el)) continue;  // a field in a table row scrolls with its table
    if (rect.width < MIN_WIDTH) {
      const what = `${el.tagName.toLowerCase()} ${el.name || el.id}`;
      problems.push(`${what} is ${Math.round(rect.width)}px`);
    }
  }
  return problems;
}
""".replace("MIN_WIDTH", str(MIN_FIELD_WIDTH))

# The links of the main menu that are shown, and whether they all fit on the screen.
NAV_LINKS = """
() => [...document.querySelectorAll('#nav-links a')].map((a) => {
  const rect = a.getBoundingClientRect();
  return {text: a.textContent.trim(), shown: rect.width > 0 && rect.height > 0,
          inside: rect.left >= 0 && rect.right <= window.innerWidth + 1};
})
"""


# How many rows the header's own items (brand, menu button, language, account) take; the
# main menu's links are left out: on a laptop they are a row of their own below.
HEADER_ROWS = """
() => {
  const boxes = [...document.querySelectorAll('.site-header nav > ul:not(#nav-links) > li')]
    .map((li) => li.getBoundingClientRect())
    .filter((box) => box.width > 0 && box.height > 0)
    .sort((a, b) => a.top - b.top);
  let rows = 0;
  let bottom = -Infinity;
  for (const box of boxes) {
    if (box.top >= bottom - 1) {
      rows += 1;  // starts below the row so far
      bottom = box.bottom;
    } else {
      bottom = Math.max(bottom, box.bottom);
    }
  }
  return rows;
}
"""


def _seed(app) -> dict[str, object]:
    """Contacts (fictional ones for the facets, a few real ones with long names), and one of each
    record the pages show: engagement, consent, outreach, delegation visit, import, submission,
    data-subject request."""
    with app.app_context(), app.test_request_context():
        officer = db.session.scalar(db.select(User).where(User.role == "officer"))
        seed_demo(60, seed=7)
        people = []
        for name, city in [(LONG_NAME, "Kitakyushu"), ("Nguyễn Thị Hồng Nhung", "Tokyo")]:
            people.append(
                contact_services.create_contact(
                    ContactData(
                        full_name=name,
                        foreign_name="Helen Phuong Thao Nguyen-Tôn",
                        country="JP",
                        city=city,
                        emails=["phuong.thao.nguyen.ton.nu@university-of-kitakyushu.example.jp"],
                        phones=["+81 90 1234 5678"],
                        occupation="Phó giáo sư, Trưởng phòng thí nghiệm công nghệ sinh học biển",
                        employer="Đại học Kitakyushu",
                        willing_advise=True,
                        willing_host_delegation=True,
                        expertise=[ExpertiseEntry(field="1.6")],
                    ),
                    actor=officer,
                    acknowledged=db.session.scalars(db.select(Contact.id)).all(),
                )
            )
            record_consent(
                people[-1],
                ConsentInput(
                    purposes=["store_process", "outreach", "sharing"],
                    method="email",
                    given_on=date(2026, 1, 1),
                    evidence="Thư điện tử ngày 1/1/2026 xác nhận đồng ý",
                ),
                actor=officer,
            )
        engagement = engagement_services.create_engagement(
            engagement_data(people, title="Gặp mặt trí thức kiều bào Hải Phòng tại Nhật Bản"),
            actor=officer,
        )
        outreach = outreach_services.create_outreach(outreach_data(), actor=officer)
        visit = visit_services.create_visit(visit_data(), actor=officer)
        visit_services.add_contacts(visit, [people[0].id], actor=officer)
        batch = imports.start_import(csv_bytes(IMPORT_ROWS), "danh-sach.csv", actor=officer)
        imports.set_mapping(batch, list(batch.targets), actor=officer)
        submissions.submit_registration(
            ContactData(full_name="Lê Thị Hạnh", country="DE", city="Hamburg", emails=["h@e.de"]),
            ["store_process", "outreach"],
            evidence=submissions.Evidence("vi", PRIVACY_NOTICE_VERSION, "layout-test"),
        )
        subject_requests.register_request(
            RequestInput(
                kind="access",
                received_on=date(2026, 11, 20),
                channel="email",
                contact_id=people[0].id,
                description="Xin bản sao toàn bộ dữ liệu cá nhân đang được lưu giữ.",
            ),
            actor=officer,
        )
        db.session.commit()
        return {
            "contact": people[0].id,
            "engagement": engagement.id,
            "outreach": outreach.id,
            "visit": visit.id,
            "batch": batch.id,
        }


def _pages(ids: dict[str, object]) -> list[tuple[str, str]]:
    return [
        ("dashboard", "/dashboard"),
        ("dashboard-quality", "/dashboard/quality/no_legal_basis"),
        ("search", "/search/?q=nguyen&country=JP&sort=name"),
        ("contacts", "/contacts/"),
        ("contact-profile", f"/contacts/{ids['contact']}"),
        ("contact-new", "/contacts/new"),
        ("contact-edit", f"/contacts/{ids['contact']}/edit"),
        ("engagement-new", "/engagements/new"),
        ("engagement-edit", f"/engagements/{ids['engagement']}/edit"),
        ("plan-task", "/plan/II.4"),
        ("report", "/reports/annual?year=2026"),
        ("outreach-list", "/outreach/"),
        ("outreach-edit", f"/outreach/{ids['outreach']}/edit"),
        ("delegation-list", "/delegations/"),
        ("delegation", f"/delegations/{ids['visit']}"),
        ("delegation-suggestions", f"/delegations/{ids['visit']}/contacts"),
        ("import-preview", f"/imports/{ids['batch']}"),
        ("export", "/contacts/export?country=JP"),
        ("review-queue", "/review/"),
        ("users", "/admin/users/"),
        ("audit", "/admin/audit/"),
        ("privacy-requests", "/privacy/requests/"),
    ]


def _check_nav(page, width: str, signed_in: bool) -> list[str]:
    """The menu's links can be reached: all shown on a laptop; behind a keyboard-operable
    button on a phone. Without an account there is no menu, and no button."""
    links = page.evaluate(NAV_LINKS)
    if not signed_in:
        return ["a menu button without a menu"] if page.locator(".nav-toggle").is_visible() else []
    if not links:
        return ["no main menu (#nav-links)"]
    if width == "laptop":
        return [f"menu link {link['text']} not shown" for link in links if not link["shown"]]
    toggle = page.locator(".nav-toggle")
    if not toggle.is_visible():
        return ["no menu button on the phone"]
    problems = []
    if any(link["shown"] for link in page.evaluate(NAV_LINKS)):
        problems.append("menu open before the button is used")
    toggle.focus()
    page.keyboard.press("Enter")
    opened = page.evaluate(NAV_LINKS)
    if toggle.get_attribute("aria-expanded") != "true":
        problems.append("menu button does not say it is expanded")
    problems += [f"menu link {link['text']} not shown" for link in opened if not link["shown"]]
    problems += [f"menu link {link['text']} off screen" for link in opened if not link["inside"]]
    if not page.locator(".nav-account button[name=lang]").is_visible():
        problems.append("no language switch in the opened menu")
    page.keyboard.press("Space")
    if any(link["shown"] for link in page.evaluate(NAV_LINKS)):
        problems.append("menu does not close again")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    if any(link["shown"] for link in page.evaluate(NAV_LINKS)):
        problems.append("Escape does not close the menu")
    return problems


def _check(page, live_server, name: str, problems: list[str], *, signed_in: bool = True) -> None:
    """Measure the page as loaded at both widths; keep a screenshot of each."""
    for width, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        found = page.evaluate(MEASURE, width == "phone")
        rows = page.evaluate(HEADER_ROWS)
        found += [f"header takes {rows} rows"] if rows != 1 else []
        found += _check_nav(page, width, signed_in)
        problems += [f"{name} @{width}: {problem}" for problem in found]
        live_server.screenshot(page, f"layout-{name}-{width}")


def test_pages_fit_a_phone_and_a_laptop(live_server, browser, page):
    base = live_server.url
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    live_server.create_user("officer")
    admin = live_server.create_user("admin")
    ids = _seed(live_server.app)
    problems: list[str] = []

    # Pages anyone can open.
    for name, path in (("login", "/login"), ("register", "/register")):
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == "vi"
        _check(page, live_server, name, problems, signed_in=False)

    page.set_viewport_size(LAPTOP)
    live_server.sign_in(page, admin)
    for name, path in _pages(ids):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        _check(page, live_server, name, problems)

    # The menu opened on a phone, for the record.
    page.set_viewport_size(PHONE)
    page.goto(base + "/dashboard")
    page.locator(".nav-toggle").click()
    assert page.get_by_role("link", name="Nhật ký kiểm tra").is_visible()
    live_server.screenshot(page, "layout-menu-open-phone")

    # Without JavaScript the menu has no button and simply stays open.
    plain = browser.new_context(
        storage_state=page.context.storage_state(), java_script_enabled=False, viewport=PHONE
    )
    try:
        plain_page = plain.new_page()
        plain_page.goto(base + "/dashboard")
        assert not plain_page.locator(".nav-toggle").is_visible()
        assert plain_page.get_by_role("link", name="Nhật ký kiểm tra").is_visible()
        assert plain_page.evaluate(MEASURE, True) == []
    finally:
        plain.close()

    assert csp_errors == []
    assert problems == [], "\n".join(problems)


def test_search_results_come_first_on_a_phone(live_server, browser, page):
    """On a phone the first result shows without scrolling: the filters are folded behind a
    summary that counts the filters in use and opens with the keyboard; on a laptop they stay
    beside the results, with no summary. Without JavaScript they simply stay open."""
    live_server.create_user("officer")
    admin = live_server.create_user("admin")
    _seed(live_server.app)
    live_server.sign_in(page, admin)
    url = live_server.url + "/search/?country=JP&city=Tokyo&sort=name"  # two filters in use
    summary = page.locator(".filters-panel > summary")
    japan = page.locator(".filters input[name=country][value=JP]")
    for width, size in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(size)
        page.goto(url)
        first = page.locator(".results tbody tr").first.get_by_role("link").first
        box = first.bounding_box()
        assert box is not None, width
        # On a phone it shows whole as the page opens; on a laptop (the menu's links take three
        # rows for an administrator) it starts on the first screen.
        end = box["y"] + (box["height"] if width == "phone" else 0)
        assert end < size["height"], (width, box)
        assert page.evaluate(HEADER_ROWS) == 1, width
        live_server.screenshot(page, f"layout-search-first-result-{width}")
        if width == "laptop":
            assert not summary.is_visible() and japan.is_visible()
            continue
        assert summary.is_visible() and not japan.is_visible()
        assert " ".join(summary.inner_text().split()) == "Bộ lọc 2 đang áp dụng"
        summary.focus()
        page.keyboard.press("Enter")
        assert japan.is_visible() and japan.is_checked()
        page.keyboard.press("Enter")
        assert not japan.is_visible()
        # The account controls are in the opened menu, and the account menu stays on screen.
        page.locator(".nav-toggle").click()
        page.locator(".nav-account details.dropdown > summary").click()
        link = page.get_by_role("link", name="Đổi mật khẩu")
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]

    plain = browser.new_context(
        storage_state=page.context.storage_state(), java_script_enabled=False, viewport=PHONE
    )
    try:
        plain_page = plain.new_page()
        plain_page.goto(url)
        assert plain_page.locator(".filters input[name=country][value=JP]").is_visible()
        plain_page.locator(".filters-panel > summary").click()  # still folds, by itself
        assert not plain_page.locator(".filters input[name=country][value=JP]").is_visible()
    finally:
        plain.close()
