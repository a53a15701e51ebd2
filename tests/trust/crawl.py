"""A small same-site crawler over django.test.Client, for the trust tests (T4.1, T1.6).

It follows links and GET forms from a role's home, bounded in pages and in URLs per route, and collects
every POST form it sees. Stdlib only (html.parser): no browser, no JavaScript.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

# Routes a crawler must not follow with GET: they end the session, or they start slow or bulk jobs.
SKIP_ROUTES = {
    "accounts:logout", "accounts:two-factor-setup", "accounts:two-factor-verify", "accounts:password-change",
    "accounts:password-reset", "accounts:password-reset-confirm", "accounts:invitation-accept",
}
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")


@dataclass
class Form:
    page: str  # the page the form was found on
    action: str
    method: str
    fields: list[dict] = field(default_factory=list)  # {"tag", "type", "name", "value", "checked", "options"}
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons (name, value)

    @property
    def text_fields(self) -> list[str]:
        return [f["name"] for f in self.fields if is_text(f)]


def is_text(f: dict) -> bool:
    return f["tag"] == "textarea" or (f["tag"] == "input" and f["type"] in {"text", "search", ""})


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._option: list | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(page="", action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "").lower()
            if kind in {"submit", "image"}:
                if a.get("name"):
                    self._form.buttons.append((a["name"], a.get("value", "")))
            elif a.get("name") and kind not in {"file", "reset", "button"}:
                self._form.fields.append({"tag": "input", "type": kind, "name": a["name"], "value": a.get("value", ""),
                                          "checked": "checked" in a, "required": "required" in a})
        elif tag == "button" and a.get("type", "submit").lower() == "submit" and a.get("name"):
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", "type": "", "name": a["name"], "value": "", "checked": False,
                              "required": "required" in a}
            self._form.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "type": "", "name": a["name"], "value": None, "options": [],
                            "checked": False, "required": "required" in a, "multiple": "multiple" in a}
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None


def parse(page_url: str, html: str) -> tuple[list[str], list[Form]]:
    parser = _PageParser()
    parser.feed(html)
    for form in parser.forms:
        form.page = page_url
        form.action = same_site(page_url, form.action or page_url) or ""
        for f in form.fields:
            if f["tag"] == "select":
                f["value"] = [o[0] if o[0] is not None else o[2] for o in f["options"] if o[1]]
    links = [u for u in (same_site(page_url, href) for href in parser.links) if u]
    for form in parser.forms:
        if form.method == "get" and form.action:  # a GET form (filters, search) is a link with its defaults
            query = "&".join(f"{f['name']}={f['value']}" for f in form.fields
                             if f["tag"] == "input" and f["type"] in {"hidden"} and f["value"])
            links.append(form.action + (("?" + query) if query and "?" not in form.action else ""))
    return links, [f for f in parser.forms if f.method == "post" and f.action]


def same_site(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urldefrag(urljoin("http://testserver" + base, href))[0]
    parts = urlsplit(url)
    if parts.netloc != "testserver" or parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def route_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


@dataclass
class Crawl:
    pages: dict[str, object] = field(default_factory=dict)  # url -> response
    forms: list[Form] = field(default_factory=list)


def crawl(client, start: str = "/", *, max_pages: int = 80, per_route: int = 3, skip=SKIP_ROUTES) -> Crawl:
    """Breadth first from `start`, routes not yet seen first: at most `per_route` URLs of one route (so 30
    students do not cost 30 pages each), at most `max_pages` in all. Redirects are followed within the site."""
    result, fresh, again, seen, per = Crawl(), [start], [], {start}, {}
    while (fresh or again) and len(result.pages) < max_pages:
        url = (fresh or again).pop(0)
        name = route_name(url)
        if name in skip:
            continue
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        result.pages[url] = response
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        links, forms = parse(final, response.content.decode())
        result.forms.extend(forms)
        for link in links:
            if link in seen:
                continue
            seen.add(link)
            key = route_name(link)
            if key is None or key in skip:
                continue
            per[key] = per.get(key, 0) + 1
            if per[key] == 1:
                fresh.append(link)
            elif per[key] <= per_route:
                again.append(link)
    return result
