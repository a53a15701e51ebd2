"""1EdTech CASE (1.0, 1.1 and the pre-1.0 draft OpenSALT still exports) CFPackage import.

Two steps, so a bad file never reaches the database:

1. `parse_package(raw)` reads and checks the whole package in memory and raises
   `CaseImportError` with a reason a person can act on (not JSON, no CFDocument, an item
   without identifier, duplicate identifiers, a parent loop, a prerequisite loop).
   Harmless oddities of real exports (timestamps without a timezone, `educationalLevel`,
   association ends outside the package) become warnings.
2. `write_package(package)` upserts by CASE identifier in one transaction: the framework,
   its items (tree from `isChildOf`, sibling order from `sequenceNumber`, then
   `listEnumeration` / `humanCodingScheme` in natural order, then file order) and the
   `precedes` links as prerequisites. Items that vanished are retired, not deleted:
   evidence points at them. A second import of the same file changes no row.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ..graph import find_cycle
from ..models import Competency, Framework, Prerequisite, ProficiencyLevel, ProficiencyScale

UUID_SHAPE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_BYTES = 20 * 1024 * 1024
DEFAULT_LEVELS = [(1, "Beginning"), (2, "Developing"), (3, "Proficient"), (4, "Advanced")]


class CaseImportError(Exception):
    """The package was refused; `str(error)` says why, for the person who uploaded it."""


@dataclass
class ParsedItem:
    identifier: str
    fields: dict
    sort_key: tuple
    parent: str | None = None


@dataclass
class ParsedPackage:
    document: dict
    items: list[ParsedItem]
    precedes: list[tuple[str, str]]
    warnings: list[str] = field(default_factory=list)


def load_source(file_or_url: str) -> bytes:
    """Read a package from a file path or an http(s) URL."""
    if file_or_url.startswith(("https://", "http://")):
        with urllib.request.urlopen(file_or_url, timeout=30) as response:  # noqa: S310 (scheme checked above)
            return response.read(MAX_BYTES + 1)
    return Path(file_or_url).read_bytes()


def _key(identifier) -> str:
    text = str(identifier or "").strip()
    return text.lower() if UUID_SHAPE.match(text) else text


def _when(raw, warnings: list[str], where: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        warnings.append(_("%(where)s: unreadable date %(raw)s, ignored.") % {"where": where, "raw": raw})
        return None
    if moment.tzinfo is None:  # pre-1.0 drafts leave the timezone out: read as UTC
        return moment.replace(tzinfo=UTC)
    return moment


def _text(raw) -> str:
    if isinstance(raw, list):
        return ", ".join(str(part) for part in raw)
    return str(raw or "")


def _natural(text: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", text) if part)


def _end(association: dict, side: str) -> str:
    node = association.get(f"{side}NodeURI")
    identifier = node.get("identifier") if isinstance(node, dict) else None
    return _key(identifier or association.get(f"{side}NodeIdentifier"))


def parse_package(raw: bytes | str) -> ParsedPackage:
    if len(raw) > MAX_BYTES:
        raise CaseImportError(_("The file is larger than 20 MB."))
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise CaseImportError(_("The file is not valid JSON (%(error)s).") % {"error": error}) from None
    if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
        raise CaseImportError(_("The file is not a CASE package: it has no CFDocument."))
    warnings: list[str] = []
    document = _parse_document(data["CFDocument"], warnings)
    items = _parse_items(data.get("CFItems") or [], warnings)
    associations = data.get("CFAssociations") or []
    if not isinstance(associations, list):
        raise CaseImportError(_("CFAssociations must be a list."))
    by_id = {item.identifier: item for item in items}
    sequence = _apply_tree(associations, document["identifier"], by_id, warnings)
    for item in items:
        item.sort_key = (sequence.get(item.identifier) is None, sequence.get(item.identifier) or 0, *item.sort_key)
    precedes = _prerequisites(associations, by_id, warnings)
    return ParsedPackage(document=document, items=items, precedes=precedes, warnings=warnings)


def _parse_document(doc: dict, warnings: list[str]) -> dict:
    identifier = _key(doc.get("identifier"))
    if not identifier:
        raise CaseImportError(_("The CFDocument has no identifier."))
    if not str(doc.get("title") or "").strip():
        raise CaseImportError(_("The CFDocument has no title."))
    for required in ("uri", "creator", "lastChangeDateTime"):
        if not doc.get(required):
            warnings.append(_("The CFDocument has no %(field)s.") % {"field": required})
    return {
        "identifier": identifier,
        "uri": str(doc.get("uri") or "")[:500],
        "title": str(doc["title"]).strip()[:300],
        "subject": _text(doc.get("subject"))[:100],
        "source_uri": str(doc.get("officialSourceURL") or "")[:500],
        "version": str(doc.get("version") or "")[:50],
        "creator": str(doc.get("creator") or "")[:300],
        "last_changed_at": _when(doc.get("lastChangeDateTime"), warnings, "CFDocument"),
    }


def _parse_items(raw_items, warnings: list[str]) -> list[ParsedItem]:
    if not isinstance(raw_items, list):
        raise CaseImportError(_("CFItems must be a list."))
    items, seen = [], set()
    for index, raw in enumerate(raw_items, start=1):
        identifier = _key(raw.get("identifier")) if isinstance(raw, dict) else ""
        if not identifier:
            raise CaseImportError(_("Item number %(n)d has no identifier.") % {"n": index})
        if identifier in seen:
            raise CaseImportError(_("The identifier %(id)s is used by two items.") % {"id": identifier})
        seen.add(identifier)
        statement = str(raw.get("fullStatement") or "").strip()
        if not statement:
            raise CaseImportError(_("Item %(id)s has no fullStatement.") % {"id": identifier})
        code = str(raw.get("humanCodingScheme") or "")[:100]
        fields = {
            "uri": str(raw.get("uri") or "")[:500],
            "code": code,
            "statement": statement,
            "short_statement": str(raw.get("abbreviatedStatement") or "")[:300],
            "item_type": str(raw.get("CFItemType") or "")[:60],
            "education_level": _text(raw.get("educationLevel") or raw.get("educationalLevel"))[:60],
            "last_changed_at": _when(raw.get("lastChangeDateTime"), warnings, identifier),
        }
        sort_key = (_natural(str(raw.get("listEnumeration") or "") or code), index)
        items.append(ParsedItem(identifier=identifier, fields=fields, sort_key=sort_key))
    return items


def _apply_tree(associations: list, document_id: str, by_id: dict[str, ParsedItem], warnings: list[str]) -> dict:
    """Set each item's parent from isChildOf; refuse a loop. Returns sequenceNumber by item."""
    sequence = {}
    for index, association in enumerate(associations, start=1):
        if not isinstance(association, dict) or not association.get("associationType"):
            raise CaseImportError(_("Association number %(n)d has no associationType.") % {"n": index})
        if association["associationType"] != "isChildOf":
            continue
        child, parent = _end(association, "origin"), _end(association, "destination")
        if not child or not parent:
            raise CaseImportError(_("Association number %(n)d is missing one of its ends.") % {"n": index})
        if child not in by_id:
            warnings.append(_("isChildOf from %(id)s, which is not in this package, ignored.") % {"id": child})
            continue
        if by_id[child].parent is not None or child in sequence:
            warnings.append(_("Item %(id)s has a second parent, ignored.") % {"id": child})
            continue
        if parent != document_id and parent not in by_id:
            warnings.append(_("Item %(id)s points to a parent outside the package; placed at the top.") % {"id": child})
            parent = document_id
        by_id[child].parent = None if parent == document_id else parent
        number = association.get("sequenceNumber")
        sequence[child] = number if isinstance(number, int) else None
    cycle = find_cycle((item.identifier, item.parent) for item in by_id.values() if item.parent)
    if cycle:
        raise CaseImportError(_("The items' parents form a loop: %(loop)s.") % {"loop": " > ".join(cycle)})
    return sequence


def _prerequisites(associations: list, by_id: dict[str, ParsedItem], warnings: list[str]) -> list[tuple[str, str]]:
    edges = []
    for association in associations:
        if association["associationType"] != "precedes":
            continue
        before, after = _end(association, "origin"), _end(association, "destination")
        if before not in by_id or after not in by_id:
            warnings.append(_("A precedes link to an item outside this package was kept out (%(a)s > %(b)s).") % {"a": before, "b": after})
            continue
        if before == after:
            raise CaseImportError(_("Item %(id)s is listed as its own prerequisite.") % {"id": before})
        if (before, after) not in edges:
            edges.append((before, after))
    cycle = find_cycle(edges)
    if cycle:
        codes = [by_id[node].fields["code"] or node for node in cycle]
        raise CaseImportError(_("The prerequisites form a loop: %(loop)s.") % {"loop": " > ".join(codes)})
    return edges


# --- writing -------------------------------------------------------------------

COMPARED = ("uri", "code", "statement", "short_statement", "item_type", "education_level", "last_changed_at",
            "parent_id", "position", "is_retired")


@transaction.atomic
def write_package(package: ParsedPackage, *, progress: Callable[[int], None] | None = None) -> tuple[Framework, dict]:
    """Upsert the package; return the framework and a summary of what changed."""
    framework, framework_changed = _upsert_framework(package.document)
    if progress:
        progress(len(package.items))
    existing = {c.identifier: c for c in Competency.objects.filter(framework=framework)}
    new = [Competency(framework=framework, identifier=item.identifier, **item.fields)
           for item in package.items if item.identifier not in existing]
    Competency.objects.bulk_create(new, batch_size=500)
    created = {c.identifier for c in new}
    current = {c.identifier: c for c in Competency.objects.filter(framework=framework)}
    changed = _desired_changes(package, current)
    Competency.objects.bulk_update(changed, COMPARED, batch_size=500)
    in_package = {item.identifier for item in package.items}
    updated = sum(1 for c in changed if c.identifier in in_package and c.identifier not in created)
    added, removed = _sync_prerequisites(framework, package.precedes, current)
    summary = {
        "framework_created_or_changed": framework_changed,
        "items": len(package.items),
        "created": len(created),
        "updated": updated,
        "unchanged": len(package.items) - len(created) - updated,
        "retired": sum(1 for c in changed if c.is_retired),
        "prerequisites_added": added,
        "prerequisites_removed": removed,
        "warnings": package.warnings,
    }
    return framework, summary


def _upsert_framework(document: dict) -> tuple[Framework, bool]:
    framework = Framework.objects.filter(identifier=document["identifier"]).first()
    changed = framework is None
    if framework is None:
        framework = Framework(**document)
    for name, value in document.items():
        if getattr(framework, name) != value:
            setattr(framework, name, value)
            changed = True
    if changed:
        framework.save()
    if not ProficiencyScale.objects.filter(framework=framework).exists():
        scale = ProficiencyScale.objects.create(framework=framework)
        ProficiencyLevel.objects.bulk_create(ProficiencyLevel(scale=scale, value=v, label=label) for v, label in DEFAULT_LEVELS)
    return framework, changed


def _desired_changes(package: ParsedPackage, current: dict[str, Competency]) -> list[Competency]:
    siblings: dict = {}
    for item in package.items:
        siblings.setdefault(item.parent, []).append(item)
    position = {}
    for group in siblings.values():
        for rank, item in enumerate(sorted(group, key=lambda i: i.sort_key)):
            position[item.identifier] = rank
    in_package = {item.identifier for item in package.items}
    changed = []
    for item in package.items:
        competency = current[item.identifier]
        desired = {**item.fields, "parent_id": current[item.parent].pk if item.parent else None,
                   "position": position[item.identifier], "is_retired": False}
        if any(getattr(competency, name) != value for name, value in desired.items()):
            for name, value in desired.items():
                setattr(competency, name, value)
            changed.append(competency)
    for identifier, competency in current.items():
        if identifier not in in_package and not competency.is_retired:
            competency.is_retired = True
            changed.append(competency)
    return changed


def _sync_prerequisites(framework: Framework, precedes: list[tuple[str, str]], current: dict) -> tuple[int, int]:
    wanted = {(current[a].pk, current[b].pk) for a, b in precedes}
    links = Prerequisite.objects.filter(competency__framework=framework, is_imported=True)
    have = {(link.prerequisite_id, link.competency_id): link.pk for link in links}
    stale = [pk for pair, pk in have.items() if pair not in wanted]
    Prerequisite.objects.filter(pk__in=stale).delete()
    authored = set(Prerequisite.objects.filter(competency__framework=framework, is_imported=False)
                   .values_list("prerequisite_id", "competency_id"))
    missing = [pair for pair in wanted if pair not in have and pair not in authored]
    Prerequisite.objects.bulk_create(Prerequisite(prerequisite_id=a, competency_id=b, is_imported=True) for a, b in missing)
    return len(missing), len(stale)
