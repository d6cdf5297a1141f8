"""Print jobs for the stationery tests (shops and print services: `catalog.tests.factories`)."""

import factory
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from catalog.tests.factories import PrintServiceFactory
from stationery.models import PrintJob, PrintJobEvent


class PrintJobFactory(factory.django.DjangoModelFactory):
    """A submitted job (with no stored file unless `file` is given). Set `status` for later states."""

    class Meta:
        model = PrintJob
        skip_postgeneration_save = True

    student = factory.SubFactory(StudentFactory)
    service = factory.SubFactory(PrintServiceFactory)
    vendor = factory.LazyAttribute(lambda job: job.service.vendor)
    original_name = "notes.pdf"
    pages = 3
    copies = 2
    pages_selected = factory.LazyAttribute(lambda job: job.pages)
    sheets = factory.LazyAttribute(lambda job: job.pages * job.copies)
    pickup_code = factory.LazyAttribute(lambda job: "246810" if job.status in PrintJob.PAID_STATUSES else "")
    estimated_paise = factory.LazyAttribute(lambda job: job.pages * job.copies * job.service.price_paise)
    status = PrintJob.Status.SUBMITTED
    amount_paise = factory.LazyAttribute(lambda job: 1200 if job.status in PrintJob.PRICED_STATUSES else None)
    paid_at = factory.LazyAttribute(lambda job: timezone.now() if job.status in PrintJob.PAID_STATUSES else None)
    ended_at = factory.LazyAttribute(lambda job: timezone.now() if job.status in PrintJob.ENDED_STATUSES else None)
    reason = factory.LazyAttribute(lambda job: "Printer is broken" if job.status == "rejected" else "")

    @factory.post_generation
    def with_event(job, create, extracted, **kwargs):
        if create:
            PrintJobEvent.objects.create(job=job, from_status="", to_status=job.status, actor=job.student)
