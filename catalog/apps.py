from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # accounts sits below catalog, so it cannot import us: it calls these hooks
        # inside its transactions (a vendor signs up; a vendor's access changes).
        from accounts.hooks import register_vendor_access_changed, register_vendor_signup

        from . import cache
        from .models import MenuItem, Shop
        from .services import shop_create_for_vendor

        register_vendor_signup(shop_create_for_vendor)
        register_vendor_access_changed(cache.on_vendor_access_changed)
        # Every write of a shop or menu item, by a service, an admin form or the shell,
        # drops that vendor's cached public answers (see catalog/cache.py).
        for model in (Shop, MenuItem):
            post_save.connect(cache.on_catalog_row_written, sender=model, dispatch_uid=f"catalog-cache-save-{model}")
            post_delete.connect(cache.on_catalog_row_written, sender=model, dispatch_uid=f"catalog-cache-del-{model}")
