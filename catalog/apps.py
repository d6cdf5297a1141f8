from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # accounts sits below catalog, so it cannot import us: it calls this hook
        # inside the sign-up transaction of every new vendor.
        from accounts.hooks import register_vendor_signup

        from .services import shop_create_for_vendor

        register_vendor_signup(shop_create_for_vendor)
