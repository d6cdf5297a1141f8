"""The ledger's refusals, each with a stable code (rendered by core.errors)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, Conflict, ValidationFailed


class LedgerError(ApplicationError):
    """Base of every refusal raised by the ledger services."""


class LedgerInvalid(LedgerError, ValidationFailed):
    code = "validation_error"
    message = _("The ledger posting is not valid.")


class LedgerUnbalanced(LedgerInvalid):
    code = "ledger_unbalanced"
    message = _("The entries of a ledger transaction must sum to zero.")


class PayoutExceedsBalance(LedgerError, Conflict):
    code = "payout_exceeds_balance"
    message = _("The payout is larger than what the campus owes this vendor.")


class AlreadyReversed(LedgerError, Conflict):
    code = "already_reversed"
    message = _("This ledger transaction has already been reversed.")


class NotReversible(LedgerError, Conflict):
    code = "not_reversible"
    message = _("A reversal cannot itself be reversed; post a new transaction instead.")


class ReferenceConflict(LedgerError, Conflict):
    code = "ledger_reference_conflict"
    message = _("This reference is already used by a different ledger posting.")
