"""The payments app's refusals, each with a stable code (rendered by core.errors)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, Conflict, GatewayError, InvalidTransition


class SignatureInvalid(ApplicationError):
    status_code = 400
    code = "signature_invalid"
    message = _("The payment signature is not valid.")


class AlreadyPaid(Conflict):
    code = "already_paid"
    message = _("This has already been paid.")


class NotPayable(InvalidTransition):
    message = _("This cannot be paid for in its current state.")


class RefundExceedsCaptured(Conflict):
    code = "refund_exceeds_captured"
    message = _("The refund is larger than what is left to refund on this payment.")


class NotRefundable(InvalidTransition):
    message = _("Only a captured payment can be refunded.")


class PaymentInProgress(Conflict):
    code = "payment_in_progress"
    message = _("A payment for this is being set up right now. Try again in a few seconds.")


class GatewayRejected(GatewayError):
    """Razorpay answered and refused the request (a 4xx): retrying the same request will not help."""
