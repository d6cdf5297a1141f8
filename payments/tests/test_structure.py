"""How payments is put together: its row locks (named once, ranked, taken in order), its status
moves, the audit sources, its selectors, and the one-way imports between services and tasks."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from accounts.tests.factories import StaffFactory, StudentFactory
from core.errors import InvalidTransition, NotFound
from core.locks import LOCK_ORDER, assert_lock_order
from payments import locks, selectors, services
from payments.models import Payment, PaymentEvent, Refund
from payments.services.core import _payment_transition
from razorpay_sandbox.state import new_id

from .factories import PaymentFactory

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "payments" / "services"

pytestmark = pytest.mark.django_db


def _captured() -> Payment:
    payment = PaymentFactory()
    return services.payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=new_id("pay"),
        amount_paise=payment.amount_paise,
        currency="INR",
        source=services.Source.RECONCILE,
    )


# --- locks --------------------------------------------------------------------------------


@pytest.mark.parametrize("helper", locks.HELPERS, ids=lambda helper: helper.__name__)
def test_every_lock_helper_declares_its_rank_in_the_global_lock_order(helper):
    assert helper.lock_kind in LOCK_ORDER
    assert f"Rank: `{helper.lock_kind}`" in helper.__doc__


def test_no_payments_service_takes_a_row_lock_but_through_payments_locks():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(SERVICES.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "select_for_update" in line
    ]
    assert offenders == []
    assert "select_for_update" in (ROOT / "payments" / "locks.py").read_text()


def test_a_capture_locks_the_payable_then_the_payment():
    payment = PaymentFactory()
    with locks.recording() as taken:
        services.payment_capture(
            payment_id=payment.pk,
            razorpay_payment_id=new_id("pay"),
            amount_paise=payment.amount_paise,
            currency="INR",
            source=services.Source.WEBHOOK,
        )
    assert taken == ["payable", "payment"]


def test_a_staff_refund_and_its_failure_and_retry_lock_in_the_global_order():
    payment = _captured()
    staff = StaffFactory()
    with locks.recording() as taken:
        services.payment_refund(payment_id=payment.pk, amount_paise=1000, reason="cold", actor=staff)
    assert taken[:2] == ["payable", "payment"]
    assert_lock_order(taken[:2])

    refund = Refund.objects.get(payment=payment)
    with locks.recording() as taken:
        services.refund_settle(refund_id=refund.pk, status="failed", source="webhook", failure_reason="bank")
    assert taken == ["payment", "refund"]

    with locks.recording() as taken:
        services.refund_retry(refund_id=refund.pk, actor=staff)
    assert taken == ["payable", "payment", "refund"]
    assert_lock_order(taken)


def test_recording_stops_at_the_end_of_its_block():
    payment = _captured()
    with locks.recording() as taken:
        pass
    with transaction.atomic():
        locks.payment_lock(payment.pk)
    assert taken == []


# --- status moves and sources ---------------------------------------------------------------


def test_a_refused_payment_move_keeps_its_wording_and_writes_nothing():
    payment = PaymentFactory()
    payment.status = Payment.Status.FAILED
    payment.save(update_fields=["status"])
    payment.failure_reason = "changed in memory only"
    with pytest.raises(InvalidTransition) as refused:
        _payment_transition(
            payment=payment, to_status=Payment.Status.REFUNDED, source="system", fields=("failure_reason",)
        )
    assert refused.value.message == "A payment that is failed cannot become refunded."
    assert refused.value.details == {"status": "failed"}
    stored = Payment.objects.get(pk=payment.pk)
    assert stored.status == Payment.Status.FAILED and stored.failure_reason == ""
    assert not PaymentEvent.objects.filter(payment=payment).exists()


def test_staying_in_the_same_status_saves_the_fields_and_records_the_event():
    payment = PaymentFactory(razorpay_order_id=None)
    payment.razorpay_order_id = "order_SAMESTATUS01"
    _payment_transition(
        payment=payment, to_status=Payment.Status.CREATED, source="pay", note="made", fields=("razorpay_order_id",)
    )
    assert Payment.objects.get(pk=payment.pk).razorpay_order_id == "order_SAMESTATUS01"
    event = PaymentEvent.objects.get(payment=payment)
    assert (event.from_status, event.to_status, event.source, event.note) == ("created", "created", "pay", "made")


def test_every_source_in_use_is_a_choice_and_the_database_refuses_any_other():
    assert set(PaymentEvent.Source.values) == {"pay", "verify", "webhook", "reconcile", "staff", "system"}
    assert services.Source is PaymentEvent.Source
    payment = PaymentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentEvent.objects.create(payment=payment, from_status="created", to_status="created", source="bogus")
    with pytest.raises(ValueError):
        services.payment_fail(payment_id=payment.pk, reason="x", source="bogus")
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.CREATED


# --- selectors ----------------------------------------------------------------------------------


def test_payment_get_for_finds_ones_own_payment_and_raises_not_found_for_anyone_elses():
    payment = PaymentFactory()
    assert selectors.payment_get_for(user=payment.payer, payment_id=payment.pk) == payment
    assert selectors.payment_get_for(user=StaffFactory(), payment_id=payment.pk) == payment
    with pytest.raises(NotFound):
        selectors.payment_get_for(user=StudentFactory(), payment_id=payment.pk)
    with pytest.raises(NotFound):
        selectors.payment_get_for(user=payment.payer, payment_id=payment.pk + 1000)


# --- the package and its imports ---------------------------------------------------------------


def _top_level_imports(module_path: Path) -> set[str]:
    """The modules a file imports at its top level, as written (`.sms`, `..tasks`, `payments.services`)."""
    names: set[str] = set()
    for node in ast.parse(module_path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.add(base)
            joiner = "" if base.endswith(".") else "."
            names.update(base + joiner + alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [("payments/tasks.py", {".services", "payments.services"}), ("accounts/tasks.py", {".sms", "accounts.sms"})],
)
def test_tasks_import_what_they_call_inside_their_bodies(module, forbidden):
    assert not _top_level_imports(ROOT / module) & forbidden


def test_the_services_import_the_tasks_at_the_top():
    assert "..tasks" in _top_level_imports(SERVICES / "refunds.py")
    assert ".tasks" in _top_level_imports(ROOT / "accounts" / "sms.py")


def test_every_submodule_stays_small_and_every_public_service_is_annotated():
    for path in SERVICES.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path.name
        name = "payments.services" if path.stem == "__init__" else f"payments.services.{path.stem}"
        module = importlib.import_module(name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            signature = inspect.signature(function)
            assert signature.return_annotation is not inspect.Signature.empty, name
            for parameter in signature.parameters.values():
                assert parameter.annotation is not inspect.Parameter.empty, f"{name}({parameter.name})"
