"""Write helpers every app's services share: field updates and state-machine moves."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import timezone

from core.errors import InvalidTransition

M = TypeVar("M", bound=Model)


def model_update(*, instance: M, fields: Iterable[str], data: Mapping[str, Any]) -> tuple[M, bool]:
    """Set those of `fields` that `data` names and differ from the instance; save only them.

    Returns the instance and whether anything changed. `updated_at` is saved with the
    changes when the model has one. The caller validates `data` and holds the row lock.
    """
    changed: list[str] = []
    for name in fields:
        if name not in data:
            continue
        if getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    if not changed:
        return instance, False
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        instance.updated_at = timezone.now()
        changed.append("updated_at")
    instance.save(update_fields=changed)
    return instance, True


def status_transition(
    *,
    instance: M,
    to_status: str,
    transitions: Mapping[str, Iterable[str]],
    describe: Callable[[str, str], str],
    fields: Mapping[str, Any] | None = None,
    record: Callable[[str], None],
    allow_same: bool = False,
) -> str:
    """Move a locked row along `transitions`, save the status with `fields`, then `record(from_status)`.

    Raises InvalidTransition (409) with nothing written when the move is not allowed;
    `describe(from_status, to_status)` words the refusal. Returns the status it came from.
    """
    from_status = instance.status
    same = allow_same and to_status == from_status
    if not same and to_status not in transitions[from_status]:
        raise InvalidTransition(describe(from_status, to_status), details={"status": from_status})
    instance.status = to_status
    changed = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(instance, name, value)
        if name not in changed:
            changed.append(name)
    instance.save(update_fields=changed)
    record(from_status)
    return from_status
