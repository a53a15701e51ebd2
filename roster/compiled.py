"""The access door's queries, compiled to SQL once per process instead of on every request (issue 23 item 5, P4).

The door's query (a student, their school and district, and one EXISTS per relationship and standing) is built by
`roster/access.py` from about 25 querysets; building and compiling it cost 7-15 ms of Python on every student page,
more than the rest of most pages (bench/README.md, the profile). Its SQL depends only on who asks and about whom, so
it is built once per process and day by the same code, with stand-in values for the person and the student, and each
request binds its own values to the stored SQL. The rules stay written once, in access.py.

Rows become objects exactly as Django's ModelIterable makes them (converters, select_related, annotations).
tests/roster/test_compiled.py checks the bound SQL against the ORM's own for every demo person.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

# Values no row can hold: a negative primary key and a UUID no import ever makes.
STAND_IN_PK = -2_000_000_017
STAND_IN_UUID = uuid.UUID("00000000-0000-4000-8000-00000000d00f")

_lock = threading.Lock()
_cache: dict[tuple, Compiled] = {}


class Compiled:
    """One queryset's SQL and the compiler that knows how to read its rows; `run` binds a request's values."""

    def __init__(self, queryset: QuerySet, stand_ins: dict[str, object]):
        self.db = queryset.db
        self.compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = self.compiler.as_sql()
        connection = connections[self.db]
        uuid_field = queryset.model._meta.get_field("uuid") if "uuid" in stand_ins else None
        # What each stand-in looks like once prepared for this database (a UUID is text on SQLite).
        prepared = {name: (uuid_field.get_db_prep_value(value, connection) if name == "uuid" else value)
                    for name, value in stand_ins.items()}
        self.slots = [next((name for name, stand_in in prepared.items() if _same(p, stand_in)), None) for p in params]
        self.params = list(params)
        missing = set(stand_ins) - set(self.slots)
        if missing:
            raise ValueError(f"the compiled query does not use {sorted(missing)}: it cannot be bound")
        self.uuid_field = uuid_field

    def _bind(self, values: dict) -> list:
        connection = connections[self.db]
        bound = dict(values)
        if "uuid" in bound:
            bound["uuid"] = self.uuid_field.get_db_prep_value(self.uuid_field.to_python(bound["uuid"]), connection)
        return [bound[slot] if slot else param for slot, param in zip(self.slots, self.params)]

    def params_for(self, **values) -> list:
        """The parameters of the stored SQL for a request's values (for a RawSQL in another query)."""
        return self._bind(values)

    def first_row(self, **values) -> tuple | None:
        """The first row, through the fields' converters (booleans, UUIDs and dates as the ORM returns them)."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, self._bind(values))
            row = cursor.fetchone()
        if row is None:
            return None
        return next(iter(self.compiler.results_iter(results=[[row]])))

    def first_object(self, **values):
        """The first row as a model instance with its select_related objects and annotations (as ModelIterable)."""
        row = self.first_row(**values)
        if row is None:
            return None
        select, klass_info = self.compiler.select, self.compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        obj = klass_info["model"].from_db(self.db, [f[0].target.attname for f in select[start:end]], row[start:end])
        for populator in get_related_populators(klass_info, select, self.db):
            populator.populate(row, obj)
        for name, position in self.compiler.annotation_col_map.items():
            setattr(obj, name, row[position])
        return obj

    def names(self) -> list[str]:
        """The names of a values() query's columns, in order (as ValuesIterable reads them)."""
        query = self.compiler.query
        if query.selected:
            return list(query.selected)
        return [*query.extra_select, *query.values_select, *query.annotation_select]


def _same(param, stand_in) -> bool:
    return type(param) is type(stand_in) and param == stand_in


def compiled(name: str, build: Callable[..., QuerySet], **stand_ins) -> Compiled:
    """`build(**stand_ins)` compiled once per process, database and day (the rules read today's date). `name`
    names the query's shape: one name, one build."""
    today: date = timezone.localdate()
    key = (name, connections["default"].vendor, connections["default"].settings_dict["NAME"], today)
    found = _cache.get(key)
    if found is None:
        found = Compiled(build(**stand_ins), stand_ins)
        with _lock:
            for old in [k for k in _cache if k[0] == name and k[3] != today]:
                del _cache[old]
            _cache[key] = found
    return found
