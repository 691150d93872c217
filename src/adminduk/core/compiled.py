"""Queries that run on every request, compiled to SQL once per database and process.

The ORM compiles a queryset again each time it runs: for the lookups behind every request (the
session, the second-factor device, the user's offices) that compiling cost more CPU than the
queries themselves. A `CompiledQuery` is built from a queryset factory and the
fields its parameters are compared with; it compiles the factory's queryset once (with
placeholder values), then runs the SQL with each call's values, prepared for the database as the
ORM prepares them, and converts the rows as the ORM does.

Only for simple lookups whose parameters are exactly the given values, in the given order: a
check at compile time sends anything else (e.g. a backend that inlines a value) through the ORM.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable

from django.db import connections, router
from django.db.models import Field, Model, QuerySet

logger = logging.getLogger("adminduk.core")

_PLACEHOLDERS = {
    "bool": True,
    "str": "\x00placeholder",
    "int": 790_979_813,
    "datetime": dt.datetime(2001, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC),
}


class CompiledQuery:
    def __init__(self, model: type[Model], factory: Callable[..., QuerySet], fields: list[Field], kinds: list[str]):
        """`factory(*values)` returns the queryset; `fields[i]` is the field value i is compared
        with (its db preparation is applied); `kinds[i]` names value i's type (str, int, bool,
        datetime)."""
        self.model, self.factory, self.fields, self.kinds = model, factory, fields, kinds
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str) -> tuple:
        placeholders = [_PLACEHOLDERS[kind] for kind in self.kinds]
        queryset = self.factory(*placeholders).using(using)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        connection = connections[using]
        expected = [self._prepare(field, value, connection) for field, value in zip(self.fields, placeholders, strict=True)]
        if list(params) != expected:
            raise ValueError(f"{self.model.__name__}: the compiled query's parameters are not the given values in order")
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        attnames = None
        if queryset._iterable_class.__name__ == "ModelIterable":
            attnames = [f.attname for f in self.model._meta.concrete_fields]
            if len(attnames) != compiler.col_count or compiler.klass_info.get("related_klass_infos"):
                raise ValueError(f"{self.model.__name__}: only a plain model query compiles to instances")
        return sql, converters, attnames

    @staticmethod
    def _prepare(field: Field, value, connection):
        return field.get_db_prep_value(value, connection, prepared=False)

    def _compiled_for(self, using: str) -> tuple | None:
        if using not in self._compiled:
            with self._lock:
                if using not in self._compiled:
                    try:
                        self._compiled[using] = self._compile(using)
                    except ValueError as exc:
                        logger.warning("%s: the ORM runs this query (%s)", self.model.__name__, exc)
                        self._compiled[using] = None
        return self._compiled[using]

    def _run(self, values) -> tuple[list[list], str, list | None] | None:
        using = router.db_for_read(self.model)
        compiled = self._compiled_for(using)
        if compiled is None:
            return None
        sql, converters, attnames = compiled
        connection = connections[using]
        params = [self._prepare(field, value, connection) for field, value in zip(self.fields, values, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, (functions, expression) in converters.items():
                for function in functions:
                    row[position] = function(row[position], expression, connection)
        return rows, using, attnames

    def rows(self, *values) -> list[tuple]:
        ran = self._run(values)
        if ran is None:
            return list(self.factory(*values))
        return [tuple(row) for row in ran[0]]

    def first(self, *values) -> Model | None:
        """The first instance, or None (the factory's queryset should be limited to one row)."""
        ran = self._run(values)
        if ran is None:
            return next(iter(self.factory(*values)), None)
        rows, using, attnames = ran
        if not rows:
            return None
        return self.model.from_db(using, attnames, rows[0])
