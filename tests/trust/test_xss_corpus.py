"""T4.1: an XSS corpus through every text field that a crawl of each demo role finds (ASVS 4.0.3 V5.3.3, V5.3.1).

How it runs (bounded, deterministic):
1. Discover: each of the 10 demo accounts crawls its pages from home (same-site links and GET forms, at most
   PAGES pages and PER_ROUTE URLs per route, tests/trust/crawl.py) and collects every POST form with a text
   input or textarea. Forms are grouped by (route, text field names); the first role that finds a group owns it.
2. Submit: for each group, NORMAL_CLASSES submissions fill every text field at once, rotating the class per
   field, so every field gets every payload class once; then EDGE_CLASSES (a 10,000-character string, a NUL
   byte) rotate over the fields the same way. Variants inside a class rotate
   with the form's number, so all 30 payloads are used across the forms. Before each submission the form's
   page is fetched again (fresh CSRF, version and idempotency tokens); every other field keeps its current
   value (the selected option or checked boxes; the first real choice of a select or radio group that has
   none, as a person would pick one; today for an empty required date). PDFs are left out of the discovery
   crawl (they hold no forms) and fetched in the second crawl (status only). Each payload carries a unique marker (xq0001z...).
3. Check: every body seen (POST answers, the pages fetched in between, a second crawl of every role after all
   submissions, the CSV and JSON exports those crawls reach, the HTML part of every email sent) has 0
   unescaped markers and no answer is a 5xx; every submission is a redirect (saved), an attachment (the
   export), or a 200 or 400 that shows a field error (rejected; the MTSS forms answer 400).
"""

import csv
import io
import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client

from privacy.models import DisclosureRecord
from tests.trust.crawl import SKIP_ROUTES, Form, crawl, is_text, parse, route_name

pytestmark = pytest.mark.django_db

PAGES, PER_ROUTE = 60, 2  # 40 left the path step form unreached once MTSS and micro-credential pages joined the nav

# Each class: its variants; "{m}" is the marker. Doubled braces are literal braces.
NORMAL_CLASSES: dict[str, list[str]] = {
    "script": ['<script>alert("{m}")</script>', "<ScRiPt>alert('{m}')</sCrIpT>", "</textarea><script>alert('{m}')</script>"],
    "svg": ["\"><svg onload=alert('{m}')>", "'><svg/onload=alert('{m}')>", "</title><svg onload=alert('{m}')>"],
    "img": ["<img src=x onerror=alert('{m}')>", "<iframe srcdoc=\"<script>alert('{m}')</script>\"></iframe>",
            "<b data-{m}=1>bold</b>"],
    "attribute": ["\" autofocus onfocus=\"alert('{m}')", "' data-{m}='1", "\" data-{m}=\"1"],
    "javascript-url": ["javascript:alert('{m}')", " JaVaScRiPt:alert('{m}')", "data:text/html,<script>alert('{m}')</script>"],
    "template": ["{m} {{{{7*7}}}}", "{m} {{% debug %}}", "{m} {{{{ request.user.password }}}}"],
    "rtl": ["\u202e{m} fdp.exe", "{m} \u202b\u0645\u0631\u062d\u0628\u0627\u202c \u200f"],
    "emoji": ["{m} \U0001f984 \U0001f469\U0001f3fd\u200d\U0001f3eb \U0001f3f3\ufe0f\u200d\U0001f308", "{m} \U0001d54f \U0001f600"],
    "formula": ["=HYPERLINK(\"http://evil.test\",\"{m}\")", "@SUM(1+1) {m}", "+1+1 {m}", "-1+1 {m}"],
}
EDGE_CLASSES: dict[str, list[str]] = {
    "long": ["{m} " + "A" * 10_000, "{m} " + "<b>" * 3_400],
    "nul": ["{m}\x00after", "\x00{m}"],
}
PAYLOAD_COUNT = sum(len(v) for v in NORMAL_CLASSES.values()) + sum(len(v) for v in EDGE_CLASSES.values())

# Routes whose forms are not part of the corpus, and why.
NOT_SUBMITTED = {"accounts:logout": "ends the session"}
# Other fields not kept at their current value. For speed: a JSON copy instead of rendering a PDF. As a person
# fills them: the first competency ticked where one is required (a checkbox group carries no `required`), a goal
# whose target and date differ from its baseline and whose measure has a highest possible result (issue 16), a result recorded without a level on a competency, and a new
# day or time for forms that take one entry per day or per time.
FIRST_BOX = object()
SUBMISSIONS = itertools.count()
FIELD_OVERRIDES = {
    "privacy:export": {"kind": DisclosureRecord.Kind.EXPORT_JSON},
    "competencies:evidence-new": {"competencies": FIRST_BOX},
    "paths:step-add": {"competencies": FIRST_BOX},
    "paths:template-step-new": {"competencies": FIRST_BOX},
    "iep:goal-new": {"baseline": "2", "target": "10", "target_date": (date.today() + timedelta(days=300)).isoformat(),
                     "maximum": "100"},
    "iep:goal-point-add": {"point-level": "", "point-measured_on": lambda n: (date.today() - timedelta(days=n)).isoformat()},
    "paths:session-new": {"students": FIRST_BOX, "starts_at": lambda n: f"{date.today() + timedelta(days=n + 1)}T10:00"},
    "mtss:plan-new": {"baseline": "2", "target": "10", "start_date": date.today().isoformat(),
                      "review_date": (date.today() + timedelta(days=42)).isoformat(),
                      "target_date": (date.today() + timedelta(days=120)).isoformat()},
    "mtss:decision-add": {"decision-next_review": (date.today() + timedelta(days=42)).isoformat()},
    "credentials:micro-review": {"decision": "return"},
}
# Text fields a person fills with a value of a given kind (links are https addresses): set after the payloads, so
# the form's other text fields carry them.
FIXED_TEXT = {"credentials:micro-detail": {"links": "https://example.org/evidence"}}
PDF_ROUTES = {"profiles:packet-pdf", "iep:report-pdf", "family_portal:report-pdf"}
# Forms the crawl must find (a crawler that finds nothing must not pass).
EXPECTED_ROUTES = {
    "profiles:section-edit", "profiles:goal-add", "profiles:goal-edit", "profiles:accommodation-add",
    "profiles:accommodation-edit", "profiles:about-me-edit", "profiles:my-goal-edit", "iep:goal-new", "iep:goal-edit",
    "iep:goal-point-add", "iep:input-new", "family_portal:input-new", "family_portal:highlight-reply",
    "family_portal:student-highlights", "competencies:evidence-new", "competencies:mastery-override",
    "paths:template-new", "paths:template-step-new", "paths:template-option-new", "paths:session-new",
    "paths:step-add", "paths:step-choose", "privacy:amendments", "privacy:amendment-statement", "privacy:export",
}
FIELD_ERROR = re.compile(r'invalid-feedback|id="error-summary"|class="errorlist|is-invalid')
MARKER = re.compile(r"xq\d{4}z")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


# --- the checker ---------------------------------------------------------------------------------


class _Unescaped(HTMLParser):
    """Markers that reached the DOM as markup: in a tag or attribute name, an event handler, a javascript:
    or data: URL, an iframe srcdoc, or the text of a <script> or <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw: str | None = None

    def handle_starttag(self, tag, attrs):
        if MARKER.search(tag):
            self.found.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if MARKER.search(name):
                self.found.append(f"attribute name {name!r} in <{tag}>")
            elif MARKER.search(value) and (name.startswith("on") or name == "srcdoc"):
                self.found.append(f"{name}={value[:60]!r} in <{tag}>")
            elif MARKER.search(value) and name in URL_ATTRIBUTES and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.found.append(f"{name}={value[:60]!r} in <{tag}>")
        if tag in {"script", "style"}:
            self._raw = tag

    def handle_data(self, data):
        if self._raw and MARKER.search(data):
            self.found.append(f"<{self._raw}> text {data[:60]!r}")

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None


def unescaped_markers(body: str) -> list[str]:
    parser = _Unescaped()
    parser.feed(body)
    parser.close()
    found = parser.found
    for m in set(MARKER.findall(body)):  # a template evaluated instead of shown
        for evaluated in (f"{m} 49", f"{m} {{'", f"{m} {{&#x27;", f"{m} md5$", f"{m} pbkdf2"):
            if evaluated in body:
                found.append(f"evaluated template {evaluated!r}")
    return found


def formula_cells(body: str) -> list[str]:
    """CSV cells holding a marker that a spreadsheet would run as a formula (T4.5's prefix rule)."""
    return [cell[:60] for row in csv.reader(io.StringIO(body)) for cell in row
            if MARKER.search(cell) and cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


@dataclass
class Findings:
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (where, url, what)
    server_errors: list[tuple[str, str, int]] = field(default_factory=list)
    bodies: int = 0
    seen_markers: set[str] = field(default_factory=set)

    def check(self, where: str, url: str, response) -> None:
        if response.status_code >= 500:
            self.server_errors.append((where, url, response.status_code))
        if getattr(response, "streaming", False):
            return
        kind = response.get("Content-Type", "")
        if "pdf" in kind or "image" in kind:
            return
        body = response.content.decode(errors="replace")
        self.bodies += 1
        self.seen_markers.update(MARKER.findall(body))
        if "text/html" in kind:
            self.problems += [(where, url, p) for p in unescaped_markers(body)]
        elif "csv" in kind:
            self.problems += [(where, url, f"formula cell {c!r}") for c in formula_cells(body)]
            if "attachment" not in response.get("Content-Disposition", ""):
                self.problems.append((where, url, "CSV not sent as an attachment"))
        elif MARKER.search(body) and response.get("X-Content-Type-Options") != "nosniff":
            self.problems.append((where, url, f"{kind} with markers and without nosniff"))


# --- the corpus ----------------------------------------------------------------------------------


class Markers:
    def __init__(self):
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"xq{self.count:04d}z"


def plan(form_no: int, text_fields: list[str]) -> list[dict[str, tuple[str, str]]]:
    """Each submission: {field: (class, template)}. Normal classes rotate over the fields, then edge classes
    (which a field with a length limit or the NUL check rejects) rotate over them the same way."""
    classes = list(NORMAL_CLASSES)
    submissions = []
    for i in range(len(classes)):
        row = {}
        for j, name in enumerate(text_fields):
            cls = classes[(i + j) % len(classes)]
            variants = NORMAL_CLASSES[cls]
            row[name] = (cls, variants[(form_no + j + i // len(classes)) % len(variants)])
        submissions.append(row)
    edges = list(EDGE_CLASSES)
    for i in range(len(edges)):
        row = {}
        for j, name in enumerate(text_fields):
            cls = edges[(i + j) % len(edges)]
            row[name] = (cls, EDGE_CLASSES[cls][(form_no + j) % len(EDGE_CLASSES[cls])])
        submissions.append(row)
    return submissions


def current_values(form: Form, route: str) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    groups: dict[str, list[dict]] = {}
    for f in form.fields:
        groups.setdefault(f["name"], []).append(f)
    for name, fields in groups.items():
        first = fields[0]
        if is_text(first):
            continue
        if first["tag"] == "select":
            data[name] = [v for v in first["value"] if v] or [o[0] for o in first["options"] if o[0]][:1] or [""]
        elif first["type"] in {"checkbox", "radio"}:
            checked = [f["value"] or "on" for f in fields if f["checked"]]
            if not checked and (first["type"] == "radio" or first["required"]):
                checked = [first["value"] or "on"]
            if checked:
                data[name] = checked
        else:
            value = first["value"]
            if not value and first["required"] and first["type"] == "date":
                value = date.today().isoformat()
            elif not value and first["required"] and first["type"] == "datetime-local":
                value = f"{date.today().isoformat()}T10:00"
            elif not value and first["required"] and first["type"] == "number":
                value = "1"
            data[name] = [value]
    for name, value in FIELD_OVERRIDES.get(route, {}).items():
        if value is FIRST_BOX:
            boxes = [f["value"] for f in groups.get(name, []) if f["value"]]
            assert boxes, f"{route}: no {name} checkbox to tick"
            data[name] = boxes[:1]
        elif callable(value):  # one value per submission: a form that takes one entry per day or per time
            data[name] = [value(next(SUBMISSIONS))]
        else:
            data[name] = [value]
    if form.buttons:
        data.setdefault(form.buttons[0][0], [form.buttons[0][1]])
    return data


def find_form(client: Client, instance: Form, findings: Findings, where: str) -> Form | None:
    response = client.get(instance.page)
    findings.check(where, instance.page, response)
    if response.status_code != 200:
        return None
    _, forms = parse(instance.page, response.content.decode())
    return next((f for f in forms if f.action == instance.action and f.text_fields == instance.text_fields), None)


@dataclass
class Group:
    route: str
    text_fields: list[str]
    owner: str
    instances: list[Form]
    outcomes: dict[str, int] = field(default_factory=dict)
    classes_sent: dict[str, set[str]] = field(default_factory=dict)
    planned: int = 0
    errors: set = field(default_factory=set)


def test_xss_corpus_through_every_text_field_found_by_crawling(demo):
    """T4.1 (ASVS 4.0.3 V5.3.3): 0 unescaped markers and 0 HTTP 5xx on every page and export each role reaches;
    each submission saved (redirect) or rejected with a field error. Also T4.5's CSV prefix rule for the
    CSV exports the crawl reaches."""
    started = time.monotonic()
    findings, markers = Findings(), Markers()
    clients = {}
    for email in sorted(demo):
        clients[email] = Client(raise_request_exception=False)
        clients[email].force_login(demo[email])

    # 1. discover
    groups: dict[tuple, Group] = {}
    for email, client in clients.items():
        result = crawl(client, max_pages=PAGES, per_route=PER_ROUTE, skip=SKIP_ROUTES | PDF_ROUTES)
        for url, response in result.pages.items():
            findings.check(f"crawl {email}", url, response)
        for form in result.forms:
            route = route_name(form.action)
            if not form.text_fields or route in NOT_SUBMITTED:
                continue
            key = (route, tuple(form.text_fields))
            group = groups.setdefault(key, Group(route, form.text_fields, email, []))
            if group.owner == email and all(i.action != form.action for i in group.instances):
                group.instances.append(form)
    discovered = time.monotonic() - started
    assert EXPECTED_ROUTES <= {g.route for g in groups.values()}, EXPECTED_ROUTES - {g.route for g in groups.values()}

    # 2. submit
    sent: dict[str, str] = {}  # marker -> class
    for form_no, (key, group) in enumerate(sorted(groups.items())):
        client = clients[group.owner]
        submissions = plan(form_no, group.text_fields)
        group.planned = len(submissions)
        instances = list(group.instances)
        for row in submissions:
            form = None
            while instances and form is None:
                form = find_form(client, instances[0], findings, f"form page {group.owner}")
                if form is None:
                    instances.pop(0)  # a one-shot form (an answered input): the next instance
            if form is None:
                break
            data = current_values(form, group.route)
            for name, (cls, template) in row.items():
                marker = markers.next()
                data[name] = [template.format(m=marker)]
                sent[marker] = cls
                group.classes_sent.setdefault(name, set()).add(cls)
            data.update({name: [value] for name, value in FIXED_TEXT.get(group.route, {}).items()})
            response = client.post(form.action, data)
            findings.check(f"POST {group.owner}", form.action, response)
            if 300 <= response.status_code < 400:
                outcome = "saved (redirect)"
            elif response.status_code == 200 and "attachment" in response.get("Content-Disposition", ""):
                outcome = "saved (attachment)"
            elif response.status_code in (200, 400) and FIELD_ERROR.search(response.content.decode(errors="replace")):
                outcome = "rejected with a field error"
                group.errors.update(re.findall(r'<li><a href="#([^"]+)">([^<]{0,80})', response.content.decode(errors="replace")))
                group.errors.update(("", e) for e in re.findall(r'invalid-feedback[^>]*>(?:<strong>)?([^<]{0,80})', response.content.decode(errors="replace")))
            else:
                outcome = f"unexpected {response.status_code}"
            group.outcomes[outcome] = group.outcomes.get(outcome, 0) + 1
    submitted = time.monotonic() - started

    # 3. every page and export of every role again, and every email
    for email, client in clients.items():
        for url, response in crawl(client, max_pages=PAGES, per_route=PER_ROUTE).pages.items():
            findings.check(f"recrawl {email}", url, response)
    for message in mail.outbox:
        for content, kind in getattr(message, "alternatives", []):
            if "html" in kind:
                findings.problems += [("email", message.subject, p) for p in unescaped_markers(content)]

    report = [f"T4.1: {len(clients)} roles, {len(groups)} form groups, {markers.count} payloads sent "
              f"({PAYLOAD_COUNT} distinct payloads in {len(NORMAL_CLASSES) + len(EDGE_CLASSES)} classes), "
              f"{findings.bodies} bodies checked, {len(findings.seen_markers & set(sent))} markers seen escaped; "
              f"discover {discovered:.0f}s, submit {submitted - discovered:.0f}s, total {time.monotonic() - started:.0f}s"]
    for (route, fields), group in sorted(groups.items()):
        missing = {n: sorted((set(NORMAL_CLASSES) | set(EDGE_CLASSES)) - c) for n, c in group.classes_sent.items()}
        missing = {n: m for n, m in missing.items() if m}
        report.append(f"  {route} {list(fields)} as {group.owner}: {group.outcomes}"
                      + (f" classes not sent: {missing}" if missing else "") + f" {sorted(group.errors)[:8]}")
    print("\n".join(report))

    assert findings.server_errors == []
    assert findings.problems == []
    unexpected = {g.route: g.outcomes for g in groups.values() if any(o.startswith("unexpected") for o in g.outcomes)}
    assert unexpected == {}
    # Every form saved payloads, not only refused them: a form that refuses everything proves nothing.
    never_saved = {g.route: g.outcomes for g in groups.values() if not any(o.startswith("saved") for o in g.outcomes)}
    assert never_saved == {}
    # The corpus reached the pages: markers of saved payloads show up (escaped) on the pages crawled.
    assert findings.seen_markers & set(sent)
