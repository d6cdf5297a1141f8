"""One truth for "staff": `User.is_campus_staff`, and the database ties the staff role to `is_staff`."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from accounts.models import User
from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory, admin_sign_in
from accounts.tests.test_staff_permissions import _change_data

PASSWORD = "a-long-passphrase-for-staff"


@pytest.mark.django_db
def test_is_campus_staff_is_the_staff_role_and_superusers():
    assert StaffFactory().is_campus_staff
    assert User.objects.create_superuser("+919700000101", PASSWORD).is_campus_staff
    assert not StudentFactory().is_campus_staff
    assert not FoodVendorFactory().is_campus_staff
    # A superuser is staff whatever its role (the constraint allows a superuser without the admin flag).
    root = User.objects.create_user("+919700000102", is_superuser=True)
    assert root.role == User.Role.STUDENT and root.is_campus_staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "is_staff"),
    [("staff", False), ("student", True), ("vendor", True)],
)
def test_the_database_refuses_a_staff_role_without_the_flag_and_the_flag_without_the_role(role, is_staff):
    fields = {"vendor_type": "food"} if role == "vendor" else {}
    with pytest.raises(IntegrityError, match="user_staff_role_is_staff"), transaction.atomic():
        User.objects.create_user("+919700000103", role=role, is_staff=is_staff, **fields)
    student = StudentFactory()
    with pytest.raises(IntegrityError, match="user_staff_role_is_staff"), transaction.atomic():
        User.objects.filter(pk=student.pk).update(is_staff=True)
    staff = StaffFactory()
    with pytest.raises(IntegrityError, match="user_staff_role_is_staff"), transaction.atomic():
        User.objects.filter(pk=staff.pk).update(role="student")


@pytest.mark.django_db
def test_a_staff_role_with_its_flag_and_a_plain_student_are_accepted():
    User.objects.create_user("+919700000104", role="staff", is_staff=True)
    User.objects.create_user("+919700000105")
    assert User.objects.filter(role="staff", is_staff=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_makes_inconsistent_rows_agree_before_the_constraint():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_staff_groups")])
    try:
        old = executor.loader.project_state([("accounts", "0004_staff_groups")]).apps.get_model("accounts", "User")
        staff_without_flag = old.objects.create(phone="+919700000106", role="staff", is_staff=False)
        student_with_flag = old.objects.create(phone="+919700000107", role="student", is_staff=True)
        vendor_with_flag = old.objects.create(phone="+919700000108", role="vendor", vendor_type="food", is_staff=True)
        student = old.objects.create(phone="+919700000109", role="student")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    rows = dict(User.objects.values_list("pk", "role").filter(is_staff=True))
    assert rows == {staff_without_flag.pk: "staff", student_with_flag.pk: "staff"}
    assert User.objects.get(pk=vendor_with_flag.pk).role == "vendor"
    assert not User.objects.get(pk=student.pk).is_staff


def _give_staff_role(editor: User, user: User, **extra):
    """Post the admin change form of `user`, signed in as `editor`, with role `staff` (and `extra`)."""
    client = admin_sign_in(Client(), editor)
    data = _change_data(client, user)
    data.update(role="staff", **extra)
    return client.post(f"/admin/accounts/user/{user.pk}/change/", data)


@pytest.mark.django_db
def test_the_admin_says_role_and_staff_status_go_together_instead_of_failing():
    root = User.objects.create_superuser("+919700000110", PASSWORD)
    student = StudentFactory()

    response = _give_staff_role(root, student)
    assert response.status_code == 200
    assert "is_staff" in response.context["adminform"].form.errors
    student.refresh_from_db()
    assert student.role == "student" and not student.is_staff

    response = _give_staff_role(root, student, is_staff="on")
    assert response.status_code == 302, response.context["adminform"].form.errors
    student.refresh_from_db()
    assert student.role == "staff" and student.is_staff and student.is_campus_staff


@pytest.mark.django_db
def test_staff_without_superuser_cannot_give_the_staff_role_through_the_admin():
    editor = StaffFactory(perms=["accounts.view_user", "accounts.change_user"])
    student = StudentFactory()
    response = _give_staff_role(editor, student)
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    student.refresh_from_db()
    assert student.role == "student" and not student.is_staff
