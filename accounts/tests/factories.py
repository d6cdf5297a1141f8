import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+9190000{n:05d}")
    name = factory.Faker("name", locale="en_IN")
    role = User.Role.STUDENT
    is_approved = True
    is_active = True


class StudentFactory(UserFactory):
    pass


class VendorFactory(UserFactory):
    role = User.Role.VENDOR
    vendor_type = User.VendorType.FOOD
    is_approved = True


class FoodVendorFactory(VendorFactory):
    vendor_type = User.VendorType.FOOD


class StationeryVendorFactory(VendorFactory):
    vendor_type = User.VendorType.STATIONERY


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True
