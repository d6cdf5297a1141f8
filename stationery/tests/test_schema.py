from io import StringIO

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_for_print_jobs_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--urlconf",
        "stationery.tests.urls",
        "--file",
        str(out),
        "--fail-on-warn",
        "--validate",
        "--skip-checks",
        stderr=StringIO(),
    )
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/print-jobs",
        "/api/v1/print-jobs/estimate",
        "/api/v1/print-jobs/{id}",
        "/api/v1/print-jobs/{id}/file",
        "/api/v1/print-jobs/{id}/pages/{number}.png",
        "/api/v1/print-jobs/{id}/accept",
        "/api/v1/print-jobs/{id}/ready",
        "/api/v1/print-jobs/{id}/complete",
        "/api/v1/print-jobs/{id}/reject",
        "/api/v1/print-jobs/{id}/cancel",
        "/api/v1/print-uploads",
    }
    create = paths["/api/v1/print-jobs"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert {"201", "400", "409", "413"} <= set(create["responses"])
    assert "application/pdf" in paths["/api/v1/print-jobs/{id}/file"]["get"]["responses"]["200"]["content"]
    assert paths["/api/v1/print-jobs/{id}"]["get"]["parameters"][0]["schema"]["type"] == "integer"
    estimate = paths["/api/v1/print-jobs/estimate"]["post"]
    assert "multipart/form-data" in estimate["requestBody"]["content"]
    assert {"200", "400", "401", "403", "409", "413", "429"} <= set(estimate["responses"])
    assert "application/json" in estimate["requestBody"]["content"]  # a re-quote names the upload
    uploads = paths["/api/v1/print-uploads"]["post"]
    assert "multipart/form-data" in uploads["requestBody"]["content"] and "201" in uploads["responses"]
