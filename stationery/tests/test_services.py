import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory, StudentFactory
from catalog.errors import ShopClosed
from catalog.models import PrintService
from catalog.tests.factories import PrintServiceFactory, StationeryShopFactory
from core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from stationery import services
from stationery.errors import FileTooLarge, InvalidFile, PrintServiceUnavailable
from stationery.models import PrintJob, PrintJobEvent

from .factories import PrintJobFactory
from .pdfs import encrypted_pdf_bytes, pdf_bytes, print_files, stored_files, upload

pytestmark = pytest.mark.django_db

S = PrintJob.Status


def _submit(student=None, service=None, data=None, **kwargs):
    return services.print_job_submit(
        student=student or StudentFactory(),
        service_id=(service or PrintServiceFactory()).pk,
        upload=upload(data if data is not None else pdf_bytes(3)),
        **kwargs,
    )


# --- estimate ------------------------------------------------------------------


def test_page_service_estimate_is_pages_times_copies_times_price():
    service = PrintServiceFactory(price_paise=200)
    assert services.print_job_estimate(service=service, pages=3, copies=2) == 1200


def test_job_service_estimate_is_the_flat_price():
    service = PrintServiceFactory(unit=PrintService.Unit.JOB, price_paise=3000)
    assert services.print_job_estimate(service=service, pages=120, copies=3) == 3000


def test_double_sided_does_not_change_the_estimate():
    service = PrintServiceFactory(price_paise=200)
    one = _submit(service=service, copies=2, double_sided=False)
    two = _submit(service=service, copies=2, double_sided=True)
    assert one.estimated_paise == two.estimated_paise == 1200


def test_an_estimate_over_the_per_job_maximum_is_refused(media_root):
    service = PrintServiceFactory(price_paise=10_000)  # ₹100 a page
    with pytest.raises(ValidationFailed) as caught:
        _submit(service=service, data=pdf_bytes(20), copies=100)  # 2,000 pages → ₹2,00,000
    assert "copies" in caught.value.details
    assert PrintJob.objects.count() == 0
    assert stored_files(media_root) == []


# --- submission ------------------------------------------------------------------


def test_submit_stores_the_file_under_a_random_name_and_records_the_first_event(media_root):
    student = StudentFactory()
    service = PrintServiceFactory(price_paise=200)
    job = services.print_job_submit(
        student=student,
        service_id=service.pk,
        upload=upload(pdf_bytes(3), name="../../Ravi's exam notes.pdf"),
        copies=2,
        note="  staple please ",
    )
    job.refresh_from_db()
    assert (job.status, job.pages, job.copies, job.estimated_paise) == (S.SUBMITTED, 3, 2, 1200)
    assert job.vendor_id == service.vendor_id  # the vendor comes from the service
    assert job.note == "staple please"
    assert job.original_name == "Ravi's exam notes.pdf"
    assert job.file.name.startswith("print-jobs/") and "Ravi" not in job.file.name
    assert [p.relative_to(media_root).as_posix() for p in print_files(media_root)] == [job.file.name]
    assert (media_root / job.file.name).read_bytes() == pdf_bytes(3)
    assert list(job.events.values_list("from_status", "to_status", "actor")) == [("", S.SUBMITTED, student.pk)]


def test_two_uploads_never_share_a_stored_name():
    first, second = _submit(), _submit()
    assert first.file.name != second.file.name


@pytest.mark.parametrize(
    "make_service",
    [
        lambda: PrintServiceFactory(is_deleted=True),
        lambda: PrintServiceFactory(
            vendor=StationeryShopFactory(vendor=StationeryVendorFactory(is_approved=False)).vendor
        ),
        lambda: PrintServiceFactory(
            vendor=StationeryShopFactory(vendor=StationeryVendorFactory(is_active=False)).vendor
        ),
        lambda: PrintServiceFactory(
            vendor=StationeryShopFactory(vendor=FoodVendorFactory(), vendor_type="food").vendor
        ),
    ],
    ids=["deleted", "vendor-unapproved", "vendor-blocked", "food-vendor"],
)
def test_services_students_cannot_see_are_unknown(make_service, media_root):
    with pytest.raises(ValidationFailed) as caught:
        _submit(service=make_service())
    assert list(caught.value.details) == ["service"]
    assert PrintJob.objects.count() == 0
    assert stored_files(media_root) == []


def test_unknown_service_id_is_a_validation_error():
    with pytest.raises(ValidationFailed):
        services.print_job_submit(student=StudentFactory(), service_id=987654, upload=upload(pdf_bytes(1)))


def test_closed_shop_is_refused(media_root):
    service = PrintServiceFactory(vendor=StationeryShopFactory(is_open=False).vendor)
    with pytest.raises(ShopClosed) as caught:
        _submit(service=service)
    assert (caught.value.status_code, caught.value.code) == (409, "shop_closed")
    assert stored_files(media_root) == []


def test_vendor_without_a_shop_is_treated_as_closed():
    service = PrintServiceFactory(vendor=StationeryVendorFactory())
    with pytest.raises(ShopClosed):
        _submit(service=service)


def test_unavailable_service_is_refused():
    with pytest.raises(PrintServiceUnavailable) as caught:
        _submit(service=PrintServiceFactory(is_available=False))
    assert (caught.value.status_code, caught.value.code) == (409, "item_unavailable")


def test_only_students_submit():
    with pytest.raises(Forbidden):
        _submit(student=StationeryVendorFactory())


@pytest.mark.parametrize("copies", [0, 101])
def test_copies_out_of_range_are_refused(copies):
    with pytest.raises(ValidationFailed) as caught:
        _submit(copies=copies)
    assert "copies" in caught.value.details


def test_oversized_upload_is_refused_before_parsing(settings, media_root):
    settings.PRINT_MAX_UPLOAD_MB = 1
    big = pdf_bytes(1) + b"%" + b"x" * (1024 * 1024)
    with pytest.raises(FileTooLarge):
        _submit(data=big)
    assert stored_files(media_root) == []


def test_invalid_file_creates_no_job_and_stores_nothing(media_root):
    with pytest.raises(InvalidFile):
        _submit(data=encrypted_pdf_bytes())
    assert PrintJob.objects.count() == 0
    assert stored_files(media_root) == []


def test_stored_file_is_removed_when_creating_the_row_fails(media_root, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(PrintJobEvent.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        _submit()
    assert PrintJob.objects.count() == 0
    assert stored_files(media_root) == []


# --- lifecycle -------------------------------------------------------------------


def _events(job):
    return list(job.events.values_list("from_status", "to_status"))


def test_happy_path_records_every_change(sms_outbox, django_capture_on_commit_callbacks):
    job = PrintJobFactory()
    vendor = job.vendor
    services.print_job_accept(vendor=vendor, job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.print_job_mark_ready(vendor=vendor, job_id=job.pk, amount_paise=1150)
    job.refresh_from_db()
    assert (job.status, job.amount_paise, job.ended_at) == (S.READY, 1150, None)

    payment = type("PaymentStub", (), {"pk": 7, "print_job_id": job.pk, "payer": job.student})()
    with_lock = PrintJob.objects.select_for_update().get(pk=job.pk)
    services.print_job_mark_paid(job_id=with_lock.pk, payment=payment)
    job.refresh_from_db()
    assert job.status == S.PAID and job.is_paid and job.paid_at is not None

    services.print_job_complete(vendor=vendor, job_id=job.pk, pickup_code=job.pickup_code)
    job.refresh_from_db()
    assert job.status == S.COMPLETED and job.ended_at is not None
    assert _events(job) == [
        ("", S.SUBMITTED),
        (S.SUBMITTED, S.ACCEPTED),
        (S.ACCEPTED, S.READY),
        (S.READY, S.PAID),
        (S.PAID, S.COMPLETED),
    ]
    assert job.events.get(to_status=S.PAID).actor == job.student
    assert job.events.get(to_status=S.PAID).reason == "payment 7"
    assert job.events.get(to_status=S.COMPLETED).actor == vendor
    # The student heard about the ready job, with the amount in rupees.
    assert [m["to"] for m in sms_outbox] == [job.student.phone]
    assert "₹11.50" in sms_outbox[0]["body"] and f"#{job.pk}" in sms_outbox[0]["body"]


def test_status_changes_save_only_their_fields():
    job = PrintJobFactory(status=S.ACCEPTED)
    with CaptureQueriesContext(connection) as queries:
        services.print_job_mark_ready(vendor=job.vendor, job_id=job.pk, amount_paise=900)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"note"' not in updates[0] and '"amount_paise"' in updates[0] and '"status"' in updates[0]


def test_ready_sms_waits_for_the_commit(sms_outbox, django_capture_on_commit_callbacks):
    job = PrintJobFactory(status=S.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.print_job_mark_ready(vendor=job.vendor, job_id=job.pk, amount_paise=600)
    assert sms_outbox == [] and len(callbacks) == 2  # the SMS and the live event (events.publisher)


@pytest.mark.parametrize("amount", [0, -5, 1_000_001, True, "100"])
def test_ready_amount_must_be_1_to_10_lakh_paise(amount):
    job = PrintJobFactory(status=S.ACCEPTED)
    with pytest.raises(ValidationFailed):
        services.print_job_mark_ready(vendor=job.vendor, job_id=job.pk, amount_paise=amount)
    job.refresh_from_db()
    assert job.status == S.ACCEPTED and job.amount_paise is None


def test_ready_accepts_the_bounds():
    for amount in (1, 1_000_000):
        job = PrintJobFactory(status=S.ACCEPTED)
        # Far above the estimate needs a reason (test_price_tolerance.py); the bounds are what this is about.
        ready = services.print_job_mark_ready(vendor=job.vendor, job_id=job.pk, amount_paise=amount, reason="Bound")
        assert ready.amount_paise == amount


def test_reject_keeps_the_reason_ends_the_job_and_tells_the_student(sms_outbox, django_capture_on_commit_callbacks):
    job = PrintJobFactory(status=S.READY)
    with django_capture_on_commit_callbacks(execute=True):
        services.print_job_reject(vendor=job.vendor, job_id=job.pk, reason="  Out of toner  ")
    job.refresh_from_db()
    assert (job.status, job.reason) == (S.REJECTED, "Out of toner")
    assert job.ended_at is not None
    assert job.events.last().reason == "Out of toner"
    assert len(sms_outbox) == 1 and f"#{job.pk}" in sms_outbox[0]["body"]
    assert "Out of toner" not in sms_outbox[0]["body"]  # a vendor's text never goes into an SMS
    assert sms_outbox[0]["to"] == job.student.phone


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_reject_needs_a_reason(reason):
    job = PrintJobFactory()
    with pytest.raises(ValidationFailed) as caught:
        services.print_job_reject(vendor=job.vendor, job_id=job.pk, reason=reason)
    assert "reason" in caught.value.details


_ABOVE_ESTIMATE = {"estimated_paise": 100, "amount_reason": "Spiral binding"}


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.READY])
def test_student_cancels_before_paying(status):
    # A ready job only while its amount is well above the estimate (see test_price_tolerance.py).
    job = PrintJobFactory(status=status, **_ABOVE_ESTIMATE)
    services.print_job_cancel(student=job.student, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == S.CANCELLED and job.ended_at is not None
    assert _events(job)[-1] == (status, S.CANCELLED)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.READY])
def test_completing_an_unpaid_job_is_refused(status):
    job = PrintJobFactory(status=status)
    with pytest.raises(InvalidTransition) as caught:
        services.print_job_complete(vendor=job.vendor, job_id=job.pk)
    assert (caught.value.status_code, caught.value.code) == (409, "invalid_transition")
    assert "not been paid" in caught.value.message
    job.refresh_from_db()
    assert job.status == status and job.events.count() == 1


ACTIONS = {
    "accept": lambda job: services.print_job_accept(vendor=job.vendor, job_id=job.pk),
    "ready": lambda job: services.print_job_mark_ready(
        vendor=job.vendor, job_id=job.pk, amount_paise=500, reason="Binding"
    ),
    "complete": lambda job: services.print_job_complete(vendor=job.vendor, job_id=job.pk, pickup_code=job.pickup_code),
    "reject": lambda job: services.print_job_reject(vendor=job.vendor, job_id=job.pk, reason="No"),
    "cancel": lambda job: services.print_job_cancel(student=job.student, job_id=job.pk),
}
TARGET = {"accept": S.ACCEPTED, "ready": S.READY, "complete": S.COMPLETED, "reject": S.REJECTED, "cancel": S.CANCELLED}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_follows_the_transition_map(status, action):
    # Priced above the estimate, a ready job may still be cancelled, as the map says.
    job = PrintJobFactory(status=status, **_ABOVE_ESTIMATE)
    allowed = TARGET[action] in PrintJob.TRANSITIONS[status]
    if allowed:
        ACTIONS[action](job)
        job.refresh_from_db()
        assert job.status == TARGET[action]
        assert job.events.count() == 2
    else:
        with pytest.raises(InvalidTransition):
            ACTIONS[action](job)
        job.refresh_from_db()
        assert job.status == status
        assert job.events.count() == 1


def test_paid_jobs_can_no_longer_be_rejected_or_cancelled():
    assert PrintJob.TRANSITIONS[S.PAID] == {S.COMPLETED}


def test_mark_paid_refuses_a_job_that_is_not_ready():
    job = PrintJobFactory(status=S.CANCELLED)
    payment = type("PaymentStub", (), {"pk": 1, "print_job_id": job.pk, "payer": job.student})()
    with pytest.raises(InvalidTransition):
        services.print_job_mark_paid(job_id=job.pk, payment=payment)
    job.refresh_from_db()
    assert job.status == S.CANCELLED and job.paid_at is None


def test_mark_paid_refuses_a_payment_of_another_job():
    job = PrintJobFactory(status=S.READY)
    payment = type("PaymentStub", (), {"pk": 1, "print_job_id": job.pk + 1000, "payer": job.student})()
    with pytest.raises(ValueError):
        services.print_job_mark_paid(job_id=job.pk, payment=payment)


def test_vendors_cannot_act_on_another_vendors_job():
    job = PrintJobFactory()
    other = PrintServiceFactory().vendor
    for act in (
        lambda: services.print_job_accept(vendor=other, job_id=job.pk),
        lambda: services.print_job_reject(vendor=other, job_id=job.pk, reason="mine now"),
        lambda: services.print_job_complete(vendor=other, job_id=job.pk),
        lambda: services.print_job_mark_ready(vendor=other, job_id=job.pk, amount_paise=100),
    ):
        with pytest.raises(NotFound):
            act()
    job.refresh_from_db()
    assert job.status == S.SUBMITTED


def test_students_cannot_cancel_another_students_job():
    job = PrintJobFactory()
    with pytest.raises(NotFound):
        services.print_job_cancel(student=StudentFactory(), job_id=job.pk)
    job.refresh_from_db()
    assert job.status == S.SUBMITTED


def test_no_vendor_text_reaches_the_students_sms(sms_outbox, django_capture_on_commit_callbacks):
    """Neither a reject reason nor a (renamed) shop name goes into a text; the app shows the reason."""
    from catalog.models import Shop

    phish = "Pay again at https://evil.example/upi"
    ready = PrintJobFactory(status=S.ACCEPTED)
    Shop.objects.filter(vendor=ready.vendor).update(name=phish)
    rejected = PrintJobFactory(status=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.print_job_mark_ready(vendor=ready.vendor, job_id=ready.pk, amount_paise=500)
        services.print_job_reject(vendor=rejected.vendor, job_id=rejected.pk, reason=phish)
    assert len(sms_outbox) == 2
    assert all("evil" not in m["body"] for m in sms_outbox)
    # The one link in a text is the campus's own page (SITE_URL), never one a vendor typed.
    links = [link for m in sms_outbox for link in re.findall(r"https?://\S+", m["body"])]
    assert len(links) == 2 and all(link.startswith(settings.SITE_URL) for link in links)
    rejected.refresh_from_db()
    assert rejected.reason == phish
