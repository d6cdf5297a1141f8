"""Refusals raised by stationery services and views, each with a stable code (see API.md)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, Conflict, InvalidTransition


class InvalidFile(ApplicationError):
    """The upload is not a printable PDF. `details` says why, under `file`."""

    status_code = 400
    code = "invalid_file"
    message = _("The file is not a printable PDF.")

    def __init__(self, reason: str) -> None:
        message = _("The file is not a printable PDF: %(reason)s") % {"reason": reason}
        super().__init__(message, details={"file": [reason]})
        self.reason = reason


class FileTooLarge(ApplicationError):
    status_code = 413
    code = "file_too_large"
    message = _("The file is too large.")

    def __init__(self, *, max_mb: int) -> None:
        reason = _("The file must be at most %(max_mb)s MB.") % {"max_mb": max_mb}
        super().__init__(reason, details={"file": [reason]})


class PrintServiceUnavailable(Conflict):
    code = "item_unavailable"
    message = _("This print service is not available right now.")


class PrintJobNotPaid(InvalidTransition):
    """Completing (handing over) a job needs the job to be paid first."""

    message = _("This print job has not been paid yet.")


class TooManyOpenJobs(Conflict):
    code = "too_many_open_jobs"
    message = _("You already have the most print jobs in progress allowed. Wait for one to finish or cancel one.")


class InvalidPickupCode(ApplicationError):
    status_code = 400
    code = "invalid_pickup_code"
    message = _("This pickup code is not right.")


class UploadExpired(ApplicationError):
    """A pending upload (PrintUpload) past its `expires_at`: the student chooses the file again."""

    status_code = 410
    code = "upload_expired"
    message = _("This file was uploaded too long ago and has been deleted. Choose it again.")
