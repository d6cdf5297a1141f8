"""Statements written once, for the hottest path (placing an order): rows read and inserted
without Django's SQL compiler, which costs more CPU than PostgreSQL spends on the statements.

- `rows_insert` does what `QuerySet.bulk_create` does for plain rows (Python defaults,
  `auto_now` fields, each field's own conversion for the database, the new ids from RETURNING).
- `columns` and `instance_from_row` let a hand-written SELECT name every column of a model and
  build the instance from its part of the row, with each field's own conversion from the
  database (as the ORM's compiler applies them), so a joined read gives full model instances.

The columns come from the models' fields, so a field added to a model is read and written here
too. Works on PostgreSQL and SQLite (RETURNING), the two databases the project runs on. Not for
rows that need signals, multi-table inheritance or database-computed defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@cache
def _insert_fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(field for field in model._meta.concrete_fields if not field.primary_key)


@cache
def _insert_sql(model: type[Model], rows: int, vendor: str) -> str:
    quote = connections[router.db_for_write(model)].ops.quote_name
    fields = _insert_fields(model)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Identifiers from the model's own meta, quoted; every value is a parameter.
    return "INSERT INTO {table} ({columns}) VALUES {rows} RETURNING {pk}".format(  # noqa: S608
        table=quote(model._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        rows=", ".join([row] * rows),
        pk=quote(model._meta.pk.column),
    )


def rows_insert(objs: Sequence[M]) -> list[M]:
    """INSERT the unsaved `objs` (one model) in one statement; they come back saved, with their ids.

    PostgreSQL returns the ids in the order the rows were sent (what `bulk_create` relies on).
    """
    if not objs:
        return []
    model = type(objs[0])
    db = router.db_for_write(model)
    connection = connections[db]
    fields = _insert_fields(model)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="rows_insert")  # as bulk_create: no unsaved parent
    params = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for obj in objs for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, len(objs), connection.vendor), params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, db
    return list(objs)


def _parent_field(model: type[Model], parent: type[Model]) -> Field:
    (field,) = [f for f in _insert_fields(model) if f.many_to_one and f.related_model is parent]
    return field


@cache
def _family_sql(parent: type[Model], shape: tuple[tuple[type[Model], int], ...]) -> str:
    # Identifiers from the models' own meta, quoted; every value is a parameter.
    quote = connections[router.db_for_write(parent)].ops.quote_name

    def insert(model: type[Model], rows: list[str]) -> str:
        fields = ", ".join(quote(field.column) for field in _insert_fields(model))
        return f"INSERT INTO {quote(model._meta.db_table)} ({fields}) VALUES {', '.join(rows)}"  # noqa: S608

    parent_pk = quote(parent._meta.pk.column)
    first = "(" + ", ".join(["%s"] * len(_insert_fields(parent))) + ")"
    statements = [f"p AS ({insert(parent, [first])} RETURNING {parent_pk})"]
    parent_id = f"(SELECT {parent_pk} FROM p)"  # noqa: S608
    answers = [parent_id]
    for n, (model, rows) in enumerate(shape):
        link = _parent_field(model, parent)
        values = ", ".join(parent_id if field is link else "%s" for field in _insert_fields(model))
        pk = quote(model._meta.pk.column)
        statements.append(f"c{n} AS ({insert(model, [f'({values})'] * rows)} RETURNING {pk})")
        answers.append(f"ARRAY(SELECT {pk} FROM c{n} ORDER BY {pk})")  # noqa: S608
    return "WITH " + ", ".join(statements) + " SELECT " + ", ".join(answers)


def family_insert(parent: Model, *children: Sequence[Model]) -> None:
    """INSERT the unsaved `parent` and its unsaved `children` (lists, each of one model with a
    foreign key to the parent's) as `rows_insert` would, the children pointing at the parent.

    On PostgreSQL one statement does it all (data-modifying WITH clauses; the foreign keys are
    checked at the end of the statement, when the parent exists): one round trip instead of one
    per table. Elsewhere it is `rows_insert` for the parent, then for each list.
    """
    children = tuple(objs for objs in children if objs)
    db = router.db_for_write(type(parent))
    connection = connections[db]
    if connection.vendor != "postgresql":
        rows_insert([parent])
        for objs in children:
            link = _parent_field(type(objs[0]), type(parent))
            for obj in objs:
                setattr(obj, link.name, parent)
            rows_insert(objs)
        return
    parent._prepare_related_fields_for_save(operation_name="family_insert")
    params = [
        field.get_db_prep_save(field.pre_save(parent, add=True), connection) for field in _insert_fields(type(parent))
    ]
    links = []
    for objs in children:
        link = _parent_field(type(objs[0]), type(parent))
        links.append(link)
        for obj in objs:
            setattr(obj, link.name, parent)
            params += [
                field.get_db_prep_save(field.pre_save(obj, add=True), connection)
                for field in _insert_fields(type(obj))
                if field is not link
            ]
    shape = tuple((type(objs[0]), len(objs)) for objs in children)
    with connection.cursor() as cursor:
        cursor.execute(_family_sql(type(parent), shape), params)
        parent_pk, *child_pks = cursor.fetchone()
    parent.pk = parent_pk
    parent._state.adding, parent._state.db = False, db
    for objs, link, pks in zip(children, links, child_pks, strict=True):
        for obj, pk in zip(objs, pks, strict=True):
            obj.pk = pk
            setattr(obj, link.attname, parent_pk)
            obj._state.adding, obj._state.db = False, db


@cache
def columns(model: type[Model], alias: str) -> str:
    """Every column of `model` as `alias`."column", in field order (what `instance_from_row` reads)."""
    quote = connections[router.db_for_read(model)].ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@cache
def _converters(model: type[Model], vendor: str) -> tuple[tuple[int, Any, tuple[Callable, ...]], ...]:
    connection = connections[router.db_for_read(model)]
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        col = field.get_col(model._meta.db_table)
        functions = tuple(connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        if functions:
            found.append((index, col, functions))
    return tuple(found)


def instance_from_row(model: type[M], row: Sequence[Any]) -> M:
    """The saved instance of `model` whose columns (as `columns` lists them) are `row`."""
    db = router.db_for_read(model)
    connection = connections[db]
    values = list(row)
    for index, col, functions in _converters(model, connection.vendor):
        for convert in functions:
            values[index] = convert(values[index], col, connection)
    return model.from_db(db, None, values)
