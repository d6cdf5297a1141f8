"""`make run`'s embedded mode: SQLite, local-memory cache, a server that gets ready fast."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tntproject.tests.embedded import embedded_env

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_embedded_server_is_ready_within_a_minute(tmp_path):
    env = embedded_env(tmp_path, "embedded.sqlite3")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=2)
                status = response.status_code
                if status == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        assert status == 200
        assert response.json()["checks"] == {"database": "ok", "cache": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=10)
