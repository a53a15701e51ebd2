"""Every family page in Spanish (issue #7): each string of the templates a page renders has a Spanish
translation in the catalogue, and none of that English text is left on the Spanish page."""

import ast
import html
import re

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import template as i18n_template
from django.utils.translation import trans_real

from iep.models import IEPInput
from roster.models import Student

pytestmark = pytest.mark.django_db

CALL = re.compile(r"\b(?:gettext|ngettext|pgettext|npgettext)\(((?:u?'(?:[^'\\]|\\.)*'\s*,?\s*)+)")
LITERAL = re.compile(r"u?'(?:[^'\\]|\\.)*'")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def template_msgids(names: set[str]) -> set[tuple[str, str]]:
    """(English text, catalogue key) of every string in the templates a page rendered, extracted as
    makemessages does; both forms of a plural are looked up under the singular."""
    found = set()
    for name in names:
        source = get_template(name).template.source
        for call in CALL.finditer(i18n_template.templatize(source)):
            literals = [ast.literal_eval(lit) for lit in LITERAL.findall(call.group(1))]
            found |= {(text, literals[0]) for text in literals}
    return found


def visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def spanish_parent(demo):
    parent = demo["parent@demo.test"]
    parent.preferred_language = "es"
    parent.save(update_fields=["preferred_language"])
    return parent


def portal_urls() -> list[str]:
    maya = Student.objects.get(sourced_id="demo-student-00")
    sent = IEPInput.objects.filter(student=maya, sender="family").order_by("pk").first()
    urls = [reverse(f"family_portal:{name}") for name in ("home", "welcome", "preferences")]
    urls += [reverse(f"family_portal:{name}", args=[maya.uuid]) for name in ("child", "child-learning", "child-goals", "child-about",
                                                                         "input-list", "input-new", "access-record")]
    return urls + [reverse("family_portal:input-sent", args=[maya.uuid, sent.pk])]


def test_every_portal_page_renders_in_spanish_with_no_english_left(client, spanish_parent):
    catalogue = trans_real.translation("es")._catalog
    client.force_login(spanish_parent)
    problems = []
    for url in portal_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        msgids = template_msgids({t.name for t in response.templates if t.name and t.name.endswith(".html") and not t.name.startswith("django/")})
        for msgid, key in sorted(msgids):
            translated = catalogue.get(key) or catalogue.get((key, 0))
            if not translated:
                problems.append((url, "no Spanish in the catalogue", msgid))
                continue
            if translated == key:
                continue  # the same word in both languages (Waypoint, No)
            for chunk in PLACEHOLDER.split(msgid):
                chunk = " ".join(chunk.split()).strip(" .,:;()·")
                if len(chunk.split()) >= 2 and chunk in text:
                    problems.append((url, "English left on the page", chunk))
        assert 'lang="es"' in response.content.decode()
    assert problems == []
