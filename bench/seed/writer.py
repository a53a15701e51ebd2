"""Fast inserts for district-scale data: COPY on PostgreSQL, bulk_create elsewhere (the smoke test on SQLite).

Rows carry their own primary keys, allocated here from the table's current maximum, so rows of one table
can point at rows of another before either is written; sequences are moved past them at the end.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models

FLUSH_ROWS = 50_000


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class TableWriter:
    """Collects rows (dicts of attribute names) for one model and writes them in large batches."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.pk_name = model._meta.pk.attname
        self.defaults = {f.attname: (None if f.primary_key else f.get_default()) for f in self.fields}
        self.rows: list[dict] = []
        self.written = 0
        self._next_pk = None
        self.is_postgres = connection.vendor == "postgresql"

    def next_pk(self) -> int:
        if self._next_pk is None:
            found = self.model._base_manager.aggregate(top=models.Max(self.pk_name))["top"]
            self._next_pk = (found or 0) + 1
        value = self._next_pk
        self._next_pk += 1
        return value

    def add(self, **values) -> int:
        """Queue one row; returns its primary key (allocated when not given)."""
        if values.get(self.pk_name) is None:
            values[self.pk_name] = self.next_pk()
        self.rows.append(values)
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()
        return values[self.pk_name]

    def flush(self) -> None:
        if not self.rows:
            return
        if self.is_postgres:
            self._copy()
        else:
            self._bulk_create()
        self.written += len(self.rows)
        self.rows = []

    def _value(self, row: dict, field) -> object:
        value = row.get(field.attname, self.defaults[field.attname])
        if value is None and field.attname in row:
            return None
        return value

    def _copy(self) -> None:
        buffer = io.StringIO()
        for row in self.rows:
            buffer.write("\t".join(_copy_text(self._value(row, f)) for f in self.fields))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({columns}) FROM STDIN", buffer)

    def _bulk_create(self) -> None:
        objects = [self.model(**{f.attname: self._value(row, f) for f in self.fields}) for row in self.rows]
        self.model._base_manager.bulk_create(objects, batch_size=500)

    def reset_sequence(self) -> None:
        if not self.is_postgres or not isinstance(self.model._meta.pk, models.AutoField):
            return
        table, column = self.model._meta.db_table, self.model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST((SELECT MAX({connection.ops.quote_name(column)}) "
                f"FROM {connection.ops.quote_name(table)}), 1))",
                [table, column],
            )


class Writers:
    """One TableWriter per model, flushed in the order they were first used (parents before children)."""

    def __init__(self):
        self._writers: dict[type[models.Model], TableWriter] = {}

    def __getitem__(self, model: type[models.Model]) -> TableWriter:
        if model not in self._writers:
            self._writers[model] = TableWriter(model)
        return self._writers[model]

    def flush(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def finish(self) -> dict[str, int]:
        self.flush()
        for writer in self._writers.values():
            writer.reset_sequence()
        return {w.model._meta.label: w.written for w in self._writers.values()}
