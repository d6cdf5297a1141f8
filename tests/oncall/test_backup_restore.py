"""Backups that restore: the runbook of docs/operations.md, run for real.

A seeded database is dumped with `pg_dump -Fc`, restored with `pg_restore` into a fresh database,
and checked there: `manage.py ledger_check` passes and the orders, payments, print jobs and ledger
rows are all there. The uploaded files (FileSystemStorage) are archived with tar and restored beside
it, and every file the restored database names is there. Then a tampered ledger in the copy makes
`ledger_check` fail, so the check is known to look.
"""

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from accounts.tests.factories import StudentFactory
from ledger.models import Entry, Transaction
from ordering import services as ordering_services
from ordering.models import Order
from ordering.tests.factories import paid_order, place_order
from payments.models import Payment, Refund
from stationery.models import PrintJob
from tests.fixtures import print_service, stationery_vendor, submit_job

TABLES = {
    "ordering_order": Order,
    "payments_payment": Payment,
    "payments_refund": Refund,
    "stationery_printjob": PrintJob,
    "ledger_transaction": Transaction,
    "ledger_entry": Entry,
}


def _pg_tools() -> Path:
    if connection.vendor != "postgresql" or not os.environ.get("TNT_PG_BIN"):
        pytest.skip("the backup-restore test needs PostgreSQL and its client tools (TNT_PG_BIN: scripts/with-services.sh)")
    return Path(os.environ["TNT_PG_BIN"])


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=300, env=env, cwd=settings.BASE_DIR)
    assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _seed() -> None:
    paid_order()
    paid_order()
    rejected = paid_order()
    ordering_services.order_reject(order_id=rejected.pk, vendor=rejected.vendor, reason="closed early")
    place_order()  # waiting for payment
    submit_job(StudentFactory(), print_service(stationery_vendor(name="Copy Corner"), name="A4 mono"))


def _ledger_check(database_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`manage.py ledger_check` in a process of its own, on the restored database (production settings)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "SMS_BACKEND": "file",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "ledger_check"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=settings.BASE_DIR,
    )


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_whose_books_balance(tmp_path):
    tools = _pg_tools()
    _seed()
    db = connection.settings_dict
    where = ["-h", str(db["HOST"]), "-p", str(db["PORT"]), "-U", str(db["USER"])]
    expected = {table: model.objects.count() for table, model in TABLES.items()}
    assert all(expected.values()), expected
    files = sorted(PrintJob.objects.exclude(file="").values_list("file", flat=True))
    assert files

    # The runbook: dump the database, archive the uploads.
    dump = tmp_path / "tnt.dump"
    _run(str(tools / "pg_dump"), *where, "--format=custom", "--no-owner", "--file", str(dump), db["NAME"])
    media_archive = tmp_path / "media.tar.gz"
    _run("tar", "-C", str(settings.MEDIA_ROOT), "-czf", str(media_archive), ".")

    # ...and restore both somewhere new.
    restored = f"tnt_restored_{os.getpid()}"
    _run(str(tools / "createdb"), *where, restored)
    try:
        _run(str(tools / "pg_restore"), *where, "--no-owner", "--exit-on-error", "--dbname", restored, str(dump))
        restored_media = tmp_path / "media"
        restored_media.mkdir()
        with tarfile.open(media_archive) as archive:
            archive.extractall(restored_media, filter="data")

        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{restored}"
        check = _ledger_check(url, tmp_path)
        assert check.returncode == 0, check.stdout + check.stderr
        with psycopg.connect(f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname={restored}") as pg:
            counts = {table: pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
            assert counts == expected
            total = pg.execute("SELECT coalesce(sum(amount_paise), 0), count(*) FROM ledger_entry").fetchone()
            assert total == (0, expected["ledger_entry"])
            restored_files = sorted(
                name for (name,) in pg.execute("SELECT file FROM stationery_printjob WHERE file <> ''").fetchall()
            )
            assert restored_files == files
            assert all((restored_media / name).is_file() for name in restored_files)
            assert [(restored_media / name).read_bytes() for name in files] == [
                (Path(settings.MEDIA_ROOT) / name).read_bytes() for name in files
            ]

            # The restored ledger is append-only still: its triggers came back with it.
            tamper = "UPDATE ledger_entry SET amount_paise = amount_paise + 1 WHERE id = (SELECT min(id) FROM ledger_entry)"
            with pytest.raises(psycopg.errors.RestrictViolation):
                pg.execute(tamper)
            pg.rollback()
            # The check looks: one entry changed behind the triggers' back and the book no longer balances.
            pg.execute("ALTER TABLE ledger_entry DISABLE TRIGGER USER")
            pg.execute(tamper)
            pg.commit()
        tampered = _ledger_check(url, tmp_path)
        assert tampered.returncode != 0
    finally:
        subprocess.run(
            [str(tools / "dropdb"), *where, "--if-exists", "--force", restored], capture_output=True, timeout=60
        )
        shutil.rmtree(tmp_path / "media", ignore_errors=True)
