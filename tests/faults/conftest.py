"""Real components for the fault tests: their own PostgreSQL cluster and Redis servers, the app
served by gunicorn in a subprocess, a Celery worker, and loopback HTTP stand-ins for providers.

Nothing here mocks: every test starts the real program, breaks it (stop, kill, freeze,
restart) and talks to the app over HTTP as a client would. The PostgreSQL binaries come
from `scripts/with-services.sh` (TNT_PG_BIN, TNT_PG_AS); without them the tests skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SECRET_KEY = "fault-tests-secret-key-not-for-production-0123456789abcdefghijkl"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- PostgreSQL ----------------------------------------------------------------------------------


class PostgresCluster:
    """A private cluster made with initdb, on its own port; restartable like the real thing."""

    def __init__(self, root: Path) -> None:
        self.bin = Path(os.environ["TNT_PG_BIN"])
        self.as_user = shlex.split(os.environ.get("TNT_PG_AS", ""))
        self.data = root / "pg"
        self.port = free_port()
        self.url = f"postgres://tnt@127.0.0.1:{self.port}/tnt"
        self.data.mkdir()
        if self.as_user:  # PostgreSQL refuses to run as root: its files belong to postgres
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "tnt", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True, check=check, timeout=60
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.data} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.data / "pg.log"), "-w", "-t", "30", "start", "-o", options
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session at once (what a restart or failover does to the app)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def is_up(self) -> bool:
        return self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0

    def createdb(self) -> None:
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "tnt", "tnt"],
            check=True,
            capture_output=True,
            timeout=30,
        )


# --- Redis ---------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server child process; stop/start keep the port, freeze/thaw use SIGSTOP/SIGCONT."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.root = root
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="redis-server to answer PING")

    def answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


# --- the app and the worker -------------------------------------------------------------------------


def app_env(*, database_url: str, redis_url: str, tmp: Path, **overrides: str) -> dict[str, str]:
    """Production settings (DEBUG off) pointed at this test's own components."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_ALLOW_ASYNC"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tntproject.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_MANIFEST="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url or "memory://",
        CELERY_RESULT_BACKEND=redis_url or "cache+memory://",
        CELERY_TASK_ALWAYS_EAGER="1",
        SMS_BACKEND="file",
        SMS_FILE_PATH=str(tmp / "sms.jsonl"),
        RATE_LIMIT_OTP_IP="1000/h",
        RATE_LIMIT_OTP_PHONE="1000/15m",
        OTP_RESEND_SECONDS="0",
        RAZORPAY_SANDBOX="0",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(tmp / "media"),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


@dataclass
class Response:
    status: int
    body: dict
    seconds: float
    headers: dict = field(default_factory=dict)


class AppServer:
    """gunicorn serving the project, one sync worker: one thread, so its database connection
    persists between requests (CONN_MAX_AGE) exactly as in production."""

    def __init__(self, env: dict[str, str], tmp: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"gunicorn-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "tntproject.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "2",
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(lambda: requests.get(self.base + "/health/live", timeout=1).ok, timeout=30, what="gunicorn")
        except AssertionError:
            self.stop()
            raise AssertionError("gunicorn did not start:\n" + _tail(self.log)) from None

    def call(self, method: str, path: str, *, token: str | None = None, timeout: float = 15, **kwargs) -> Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Token {token}"
        started = time.monotonic()
        answer = requests.request(method, self.base + path, headers=headers, timeout=timeout, **kwargs)
        seconds = time.monotonic() - started
        try:
            body = answer.json()
        except ValueError:
            body = {"_raw": answer.text[:500]}
        return Response(answer.status_code, body, seconds, dict(answer.headers))

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log, lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


class CeleryWorker:
    """`celery -A tntproject worker`, prefork with one child, in its own process group."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.log = tmp / f"celery-{time.monotonic_ns()}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "tntproject",
                    "worker",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(lambda: b"ready." in self.log.read_bytes(), timeout=30, what="the celery worker to be ready")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill_all(self) -> None:
        """SIGKILL to the main process and its pool at once: no chance to ack, requeue or say goodbye."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill_all()

    def log_tail(self) -> str:
        return _tail(self.log, 60)


# --- a loopback HTTP stand-in for a provider ---------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes
    answered: int | None = None


class Stub:
    """An HTTP server on loopback whose answers the test scripts: `behave(seen) -> (status, json)`.

    `behave` may block (a hung provider); `release()` lets every blocked request go.
    """

    def __init__(self, behave: Callable[[Seen], tuple[int, object]]) -> None:
        self.behave = behave
        self.seen: list[Seen] = []
        self.released = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
                stub.seen.append(seen)
                status, payload = stub.behave(seen)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    seen.answered = status
                except OSError:  # the caller gave up (timeout) or died meanwhile
                    pass

            do_GET = do_POST = _serve

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def hang(self, seconds: float) -> None:
        """Block the calling request until `release()` or `seconds` pass."""
        self.released.wait(seconds)

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


# --- fixtures ----------------------------------------------------------------------------------------


def _require_components() -> None:
    if not os.environ.get("TNT_PG_BIN"):
        pytest.skip("fault tests need TNT_PG_BIN/TNT_PG_AS (run them through scripts/with-services.sh)")
    if shutil.which("redis-server") is None:
        pytest.skip("fault tests need redis-server")


@pytest.fixture(scope="session")
def fault_tmp() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="tnt-faults-"))
    root.chmod(0o755)  # the postgres user must reach its data folder inside
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(fault_tmp: Path) -> Iterator[PostgresCluster]:
    """One private cluster for the fault tests, migrated and seeded once (the PostgreSQL test restarts it)."""
    _require_components()
    cluster = PostgresCluster(fault_tmp)
    cluster.start()
    try:
        cluster.createdb()
        env = app_env(database_url=cluster.url, redis_url="", tmp=fault_tmp)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput"],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
        yield cluster
    finally:
        cluster.stop("immediate")


@pytest.fixture(scope="session")
def world(postgres: PostgresCluster, fault_tmp: Path) -> dict:
    """Ids and tokens of the seeded campus: one open food vendor with three dishes and a slot, one student."""
    env = app_env(database_url=postgres.url, redis_url="", tmp=fault_tmp)
    done = subprocess.run(
        [PYTHON, "-m", "tests.faults.world"], cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=60
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_server(fault_tmp: Path) -> Iterator[RedisServer]:
    _require_components()
    folder = Path(tempfile.mkdtemp(dir=fault_tmp, prefix="redis-"))
    server = RedisServer(folder)
    server.start()
    yield server
    if server.process is not None:
        server.thaw()
    server.stop()


@pytest.fixture
def start_app(fault_tmp: Path) -> Iterator[Callable[..., AppServer]]:
    started: list[AppServer] = []

    def start(env: dict[str, str]) -> AppServer:
        server = AppServer(env, fault_tmp)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def start_stub() -> Iterator[Callable[..., Stub]]:
    stubs: list[Stub] = []

    def start(behave: Callable[[Seen], tuple[int, object]]) -> Stub:
        stub = Stub(behave)
        stubs.append(stub)
        return stub

    yield start
    for stub in stubs:
        stub.close()


def assert_envelope(response: Response, status: int, code: str) -> None:
    """The answer is the API's error envelope with this status and code, never a traceback page."""
    assert response.status == status, (response.status, response.body)
    assert set(response.body) == {"error", "request_id"}, response.body
    assert response.body["error"]["code"] == code, response.body
    assert response.body["request_id"] not in ("", "-"), response.body
