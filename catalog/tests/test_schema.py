import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

CATALOG_PATHS = {
    "/api/v1/vendors": {"get"},
    "/api/v1/vendors/{vendor_id}": {"get"},
    "/api/v1/vendors/{vendor_id}/menu": {"get"},
    "/api/v1/vendor/shop": {"get", "patch"},
    "/api/v1/menu-items": {"get", "post"},
    "/api/v1/menu-items/{id}": {"get", "patch", "delete"},
    "/api/v1/print-services": {"get", "post"},
    "/api/v1/print-services/{id}": {"get", "patch", "delete"},
}


@pytest.mark.django_db
def test_schema_covers_catalog_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [
        message
        for message in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache)
        if "catalog/" in message or "catalog." in message
    ]
    assert problems == []
    for path, methods in CATALOG_PATHS.items():
        assert set(schema["paths"][path]) >= methods, path
    menu_post = schema["paths"]["/api/v1/menu-items"]["post"]
    assert "201" in menu_post["responses"]
    listing = schema["paths"]["/api/v1/menu-items"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"vendor", "category", "available", "page", "page_size"}
    vendors = schema["paths"]["/api/v1/vendors"]["get"]
    assert {p["name"] for p in vendors["parameters"]} >= {"type", "page"}
