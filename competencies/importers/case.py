"""1EdTech CASE (1.0, 1.1 and the pre-1.0 draft OpenSALT still exports) CFPackage import.

Two steps, so a bad file never reaches the database:

1. `parse_package(raw)` reads and checks the whole package in memory and raises
   `CaseImportError` with a reason a person can act on (not JSON, nested too deeply, no
   CFDocument, an item without identifier, duplicate identifiers, a parent loop, a prerequisite
   loop). Every value that will be stored is checked here, naming the item and the field: its
   JSON type (text is text, a list is a list), the model field's length, and no control or
   text-direction characters where one line is expected (quality.md T4).
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
import unicodedata
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from roster import text_checks

from ..graph import find_cycle
from ..models import Competency, Framework, Prerequisite, ProficiencyLevel, ProficiencyScale

UUID_SHAPE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64  # real packages nest 5 or 6 levels; json.loads recurses once per level
DEFAULT_LEVELS = [(1, "Beginning"), (2, "Developing"), (3, "Proficient"), (4, "Advanced")]

# A JSON string (skipped whole, escapes included; an unclosed one runs to the end, so no backtracking and one
# pass over the text) or one bracket: the depth scan needs nothing else.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


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
        # An operator's command (import_case) only, never a web request: no SSRF. The scheme is checked above.
        with urllib.request.urlopen(file_or_url, timeout=30) as response:  # noqa: S310  # nosec B310 (scheme checked)
            return response.read(MAX_BYTES + 1)
    return Path(file_or_url).read_bytes()


def _key(identifier: str) -> str:
    text = identifier.strip()
    return text.lower() if UUID_SHAPE.match(text) else text


def _shown(text: str, limit: int = 80) -> str:
    """A value from the file, safe to put in a message: short, no control or direction characters."""
    return text_checks.printable(text, limit)


def _found(value) -> str:
    """What the file has instead of the expected type, in plain words."""
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _string(value, *, where: str, name: str) -> str | None:
    """A text field of the file: text or absent (None), nothing else."""
    if value is None or isinstance(value, str):
        return value
    raise CaseImportError(_("%(where)s: %(field)s must be text, but the file has %(found)s here.")
                          % {"where": where, "field": name, "found": _found(value)})


def _string_or_strings(value, *, where: str, name: str) -> str:
    """`subject`, `educationLevel`: a text or a list of texts (both shapes circulate), joined."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return ", ".join(value)
    raise CaseImportError(_("%(where)s: %(field)s must be text or a list of texts, but the file has %(found)s here.")
                          % {"where": where, "field": name, "found": _found(value)})


def _checked(model, column: str, value: str, *, where: str, name: str) -> str:
    """Refuse a value its model field cannot hold as it is: too long, control or direction characters."""
    model_field = model._meta.get_field(column)
    limit = getattr(model_field, "max_length", None)
    if limit and len(value) > limit:
        raise CaseImportError(_("%(where)s: %(field)s is too long (%(length)d characters; at most %(limit)d).")
                              % {"where": where, "field": name, "length": len(value), "limit": limit})
    # The character classes are roster.text_checks' (the OneRoster check's too); the messages name CASE's place.
    single_line = limit is not None  # CharField: one line; TextField (the statement): lines and tabs allowed
    found = text_checks.BROKEN.search(value)
    if found:
        raise CaseImportError(_("%(where)s: %(field)s contains a broken character (%(code)s) that is not valid text.")
                              % {"where": where, "field": name, "code": text_checks.code_point(found.group())})
    found = (text_checks.CONTROL if single_line else text_checks.CONTROL_MULTILINE).search(value)
    if found:
        raise CaseImportError(
            _("%(where)s: %(field)s contains an invisible control character (%(code)s), such as a null byte or a "
              "line break, which is not allowed there.")
            % {"where": where, "field": name, "code": text_checks.code_point(found.group())})
    found = text_checks.DIRECTION.search(value) if single_line else None
    if found:
        raise CaseImportError(
            _("%(where)s: %(field)s contains a hidden character that changes the direction of the text (%(code)s), "
              "which could make it display differently from what it says. Remove it and import the file again.")
            % {"where": where, "field": name, "code": text_checks.code_point(found.group())})
    return value


def _text_field(model, column: str, source: dict, name: str, *, where: str) -> str:
    """The CASE text field `name` of `source`, stored in `model.column`: type, length and characters checked."""
    return _checked(model, column, _string(source.get(name), where=where, name=name) or "", where=where, name=name)


def _identifier(value, *, where: str) -> str:
    """An identifier the importer stores or looks up: text (a UUID, or a URL in pre-1.0 drafts), or "" if absent."""
    text = _string(value, where=where, name="identifier")
    return _key(text) if text else ""


def _when(raw: str | None, warnings: list[str], where: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment.tzinfo is None:  # pre-1.0 drafts leave the timezone out: read as UTC
            moment = moment.replace(tzinfo=UTC)
        if not 1 < moment.astimezone(UTC).year < 9999:  # room to show it in any time zone
            raise ValueError
    except (ValueError, OverflowError):
        warnings.append(_("%(where)s: unreadable date %(raw)s, ignored.") % {"where": where, "raw": _shown(raw)})
        return None
    return moment


def _natural(text: str) -> tuple:
    """Natural order key ("2" before "10"); digits of any script, any length, without int()."""
    key = []
    for part in re.split(r"(\d+)", text):
        if not part:
            continue
        if part.isdecimal():
            digits = "".join(str(unicodedata.decimal(char)) for char in part).lstrip("0")
            key.append((0, len(digits), digits))
        else:
            key.append((1, 0, part.lower()))
    return tuple(key)


def _end(association: dict, side: str, where: str) -> str:
    node = association.get(f"{side}NodeURI")
    if node is not None and not isinstance(node, dict):
        raise CaseImportError(_("%(where)s: %(field)s must be an object, but the file has %(found)s here.")
                              % {"where": where, "field": f"{side}NodeURI", "found": _found(node)})
    identifier = _identifier(node.get("identifier"), where=where) if node else ""
    return identifier or _identifier(association.get(f"{side}NodeIdentifier"), where=where)


def _nesting_depth_exceeds(text: str, limit: int) -> bool:
    """True if brackets outside strings nest deeper than `limit`. A loop, not recursion, so no depth can break it."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


def _load_json(raw: bytes | str):
    too_deep = CaseImportError(
        _("The file has brackets nested more than %(limit)d levels deep; a CASE package never needs that many, "
          "so it was not read.") % {"limit": MAX_DEPTH})
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass") if isinstance(raw, bytes | bytearray) else raw
        if _nesting_depth_exceeds(text, MAX_DEPTH):
            raise too_deep
        return json.loads(text)
    except RecursionError:  # cannot happen after the scan; kept so a deep file can never escape as a crash
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as error:
        reason = _shown(str(error), 200)
        raise CaseImportError(_("The file is not valid JSON (%(error)s).") % {"error": reason}) from None


def parse_package(raw: bytes | str) -> ParsedPackage:
    if len(raw) > MAX_BYTES:
        raise CaseImportError(_("The file is larger than 20 MB."))
    data = _load_json(raw)
    if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
        raise CaseImportError(_("The file is not a CASE package: it has no CFDocument."))
    warnings: list[str] = []
    document = _parse_document(data["CFDocument"], warnings)
    raw_items = data.get("CFItems")
    items = _parse_items([] if raw_items is None else raw_items, warnings)
    associations = data.get("CFAssociations")
    associations = [] if associations is None else associations
    if not isinstance(associations, list):
        raise CaseImportError(_("CFAssociations must be a list."))
    by_id = {item.identifier: item for item in items}
    sequence, ends = _apply_tree(associations, document["identifier"], by_id, warnings)
    for item in items:
        item.sort_key = (sequence.get(item.identifier) is None, sequence.get(item.identifier) or 0, *item.sort_key)
    precedes = _prerequisites(ends, by_id, warnings)
    return ParsedPackage(document=document, items=items, precedes=precedes, warnings=warnings)


def _parse_document(doc: dict, warnings: list[str]) -> dict:
    where = _("The CFDocument")
    identifier = _identifier(doc.get("identifier"), where=where)
    if not identifier:
        raise CaseImportError(_("The CFDocument has no identifier."))
    title = (_string(doc.get("title"), where=where, name="title") or "").strip()
    if not title:
        raise CaseImportError(_("The CFDocument has no title."))
    for required in ("uri", "creator", "lastChangeDateTime"):
        if not doc.get(required):
            warnings.append(_("The CFDocument has no %(field)s.") % {"field": required})
    subject = _string_or_strings(doc.get("subject"), where=where, name="subject")
    changed = _string(doc.get("lastChangeDateTime"), where=where, name="lastChangeDateTime")
    return {
        "identifier": _checked(Framework, "identifier", identifier, where=where, name="identifier"),
        "uri": _text_field(Framework, "uri", doc, "uri", where=where),
        "title": _checked(Framework, "title", title, where=where, name="title"),
        "subject": _checked(Framework, "subject", subject, where=where, name="subject"),
        "source_uri": _text_field(Framework, "source_uri", doc, "officialSourceURL", where=where),
        "version": _text_field(Framework, "version", doc, "version", where=where),
        "creator": _text_field(Framework, "creator", doc, "creator", where=where),
        "last_changed_at": _when(changed, warnings, "CFDocument"),
    }


def _parse_items(raw_items, warnings: list[str]) -> list[ParsedItem]:
    if not isinstance(raw_items, list):
        raise CaseImportError(_("CFItems must be a list."))
    items, seen = [], set()
    for index, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            raise CaseImportError(_("Item number %(n)d is not an object with fields, but %(found)s.")
                                  % {"n": index, "found": _found(raw)})
        numbered = _("Item number %(n)d") % {"n": index}
        identifier = _identifier(raw.get("identifier"), where=numbered)
        if not identifier:
            raise CaseImportError(_("Item number %(n)d has no identifier.") % {"n": index})
        identifier = _checked(Competency, "identifier", identifier, where=numbered, name="identifier")
        if identifier in seen:
            raise CaseImportError(_("The identifier %(id)s is used by two items.") % {"id": identifier})
        seen.add(identifier)
        where = _("Item %(id)s") % {"id": identifier}
        statement = (_string(raw.get("fullStatement"), where=where, name="fullStatement") or "").strip()
        if not statement:
            raise CaseImportError(_("Item %(id)s has no fullStatement.") % {"id": identifier})
        level_name = "educationLevel" if raw.get("educationLevel") else "educationalLevel"  # pre-1.0 spelling
        level = _string_or_strings(raw.get(level_name), where=where, name=level_name)
        changed = _string(raw.get("lastChangeDateTime"), where=where, name="lastChangeDateTime")
        fields = {
            "uri": _text_field(Competency, "uri", raw, "uri", where=where),
            "code": _text_field(Competency, "code", raw, "humanCodingScheme", where=where),
            "statement": _checked(Competency, "statement", statement, where=where, name="fullStatement"),
            "short_statement": _text_field(Competency, "short_statement", raw, "abbreviatedStatement", where=where),
            "item_type": _text_field(Competency, "item_type", raw, "CFItemType", where=where),
            "education_level": _checked(Competency, "education_level", level, where=where, name=level_name),
            "last_changed_at": _when(changed, warnings, identifier),
        }
        enumeration = raw.get("listEnumeration")
        if isinstance(enumeration, int) and not isinstance(enumeration, bool):
            enumeration = str(enumeration)  # a number where CASE says text: harmless, it only orders siblings
        enumeration = _string(enumeration, where=where, name="listEnumeration") or ""
        sort_key = (_natural(enumeration or fields["code"]), index)
        items.append(ParsedItem(identifier=identifier, fields=fields, sort_key=sort_key))
    return items


def _apply_tree(associations: list, document_id: str, by_id: dict[str, ParsedItem],
                warnings: list[str]) -> tuple[dict, list]:
    """Set each item's parent from isChildOf; refuse a loop.

    Returns sequenceNumber by item, and (type, origin, destination) of each isChildOf and precedes, checked."""
    sequence, ends = {}, []
    for index, association in enumerate(associations, start=1):
        if not isinstance(association, dict) or not association.get("associationType"):
            raise CaseImportError(_("Association number %(n)d has no associationType.") % {"n": index})
        where = _("Association number %(n)d") % {"n": index}
        kind = _string(association["associationType"], where=where, name="associationType")
        if kind not in ("isChildOf", "precedes"):  # other types are not read: their shape does not matter here
            continue
        child, parent = _end(association, "origin", where), _end(association, "destination", where)
        ends.append((kind, child, parent))
        if kind != "isChildOf":
            continue
        if not child or not parent:
            raise CaseImportError(_("Association number %(n)d is missing one of its ends.") % {"n": index})
        if child not in by_id:
            warnings.append(_("isChildOf from %(id)s, which is not in this package, ignored.") % {"id": _shown(child)})
            continue
        if by_id[child].parent is not None or child in sequence:
            warnings.append(_("Item %(id)s has a second parent, ignored.") % {"id": child})
            continue
        if parent != document_id and parent not in by_id:
            warnings.append(_("Item %(id)s points to a parent outside the package; placed at the top.") % {"id": child})
            parent = document_id
        by_id[child].parent = None if parent == document_id else parent
        number = association.get("sequenceNumber")
        sequence[child] = number if isinstance(number, int) and not isinstance(number, bool) else None
    cycle = find_cycle((item.identifier, item.parent) for item in by_id.values() if item.parent)
    if cycle:
        raise CaseImportError(_("The items' parents form a loop: %(loop)s.") % {"loop": " > ".join(cycle)})
    return sequence, ends


def _prerequisites(ends: list, by_id: dict[str, ParsedItem], warnings: list[str]) -> list[tuple[str, str]]:
    edges, seen = [], set()
    for kind, before, after in ends:
        if kind != "precedes":
            continue
        if before not in by_id or after not in by_id:
            warnings.append(_("A precedes link to an item outside this package was kept out (%(a)s > %(b)s).")
                            % {"a": _shown(before), "b": _shown(after)})
            continue
        if before == after:
            raise CaseImportError(_("Item %(id)s is listed as its own prerequisite.") % {"id": before})
        if (before, after) not in seen:  # a set: a hostile file with many links stays linear
            seen.add((before, after))
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
