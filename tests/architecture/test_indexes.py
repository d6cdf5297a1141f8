"""What is filtered and joined is indexed (finding 23)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from .support import (
    _project_models,
)

# --- 23: indexes ----------------------------------------------------------------------------


def _index_column_lists(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [info["columns"] for info in constraints.values() if (info["index"] or info["unique"]) and info["columns"]]


@pytest.mark.django_db
def test_every_foreign_key_column_leads_an_index():
    if connection.vendor != "postgresql":
        pytest.skip("introspects the PostgreSQL schema")
    missing = []
    checked = 0
    for model in _project_models():
        indexed = _index_column_lists(model._meta.db_table)
        for field in model._meta.concrete_fields:
            if (field.is_relation and field.many_to_one) or field.one_to_one:
                checked += 1
                if not any(columns[0] == field.column for columns in indexed):
                    missing.append(f"{model._meta.db_table}.{field.column}")
    assert missing == []
    assert checked >= 20


# (model, leading columns an index must start with) for the filters and joins the hot paths run.
HOT_FILTERS = [
    ("accounts.User", ["phone"]),
    ("accounts.User", ["role", "is_approved", "is_active"]),
    ("accounts.IdempotencyKey", ["user_id", "key"]),
    ("catalog.MenuItem", ["vendor_id", "is_deleted", "is_available"]),
    ("ordering.Slot", ["vendor_id", "starts_at"]),
    ("ordering.Order", ["student_id", "created_at"]),
    ("ordering.Order", ["vendor_id", "status"]),
    ("ordering.Order", ["slot_id", "status"]),
    ("ordering.Order", ["status", "payment_due_by"]),
    ("payments.Payment", ["order_id"]),
    ("payments.Payment", ["print_job_id"]),
    ("payments.Payment", ["payer_id", "created_at"]),
    ("payments.Payment", ["status", "created_at"]),
    ("payments.Payment", ["razorpay_order_id"]),
    ("payments.WebhookEvent", ["event_id"]),
    ("stationery.PrintJob", ["vendor_id", "status"]),
    ("stationery.PrintJob", ["student_id", "created_at"]),
    ("ledger.Transaction", ["kind", "reference"]),
    ("ledger.Entry", ["account_id", "created_at"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_label", "leading"), HOT_FILTERS, ids=lambda v: v if isinstance(v, str) else "-".join(v)
)
def test_hot_filter_columns_are_indexed(model_label, leading):
    if connection.vendor != "postgresql":
        pytest.skip("introspects the PostgreSQL schema")
    table = apps.get_model(model_label)._meta.db_table
    assert any(columns[: len(leading)] == leading for columns in _index_column_lists(table)), (table, leading)
