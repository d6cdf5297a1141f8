"""What campus staff do to a vendor's catalogue from the admin: hide and restore entries."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Forbidden
from core.services import model_update

from .locks import entry_lock
from .models import MenuItem, PrintService


@transaction.atomic
def catalog_entry_set_deleted(*, actor: User, obj: MenuItem | PrintService, deleted: bool) -> bool:
    """Staff hide or restore a menu item or print service. Returns False when a restore
    would clash with a live entry of the same name (the entry stays hidden)."""
    if not actor.is_campus_staff:
        raise Forbidden(_("Only campus staff can do this."))
    model = type(obj)
    locked = entry_lock(model, obj_id=obj.pk)
    if locked.is_deleted == deleted:
        return True
    if not deleted:
        clash = model.objects.filter(vendor_id=locked.vendor_id, name__iexact=locked.name, is_deleted=False)
        if clash.exists():
            return False
    model_update(instance=locked, fields=("is_deleted",), data={"is_deleted": deleted})
    return True
