"""gunicorn settings of the lunch-rush instance (bench/rush.py): the project's gunicorn.conf.py, plus
hooks that charge each request's CPU time to its kind.

A sync worker serves one request at a time on its main thread, so the main thread's CPU time
(`time.thread_time()`) from `pre_request` to `post_request` is that request's: the view, the
middleware, the database client's work and writing the answer (not parsing the request line and
headers, which gunicorn does before `pre_request`, nor PostgreSQL's own CPU). Each worker keeps
{kind: [requests, CPU seconds]} and writes it to `$BENCH_RUSH_CPU_DIR/cpu-<pid>.json` every 50
requests and when it exits (gunicorn's `max_requests` replaces workers during the run, so a file
per process, summed by bench/rush.py).
"""

import json
import os
import time
from pathlib import Path

from bench.rush_kinds import kind_of

_project = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
exec(compile(_project.read_text(), str(_project), "exec"))  # noqa: S102 (the project's own settings file)

_spent: dict[str, list] = {}
_started = [0.0, 0]


def _flush() -> None:
    folder = os.environ.get("BENCH_RUSH_CPU_DIR")
    if folder:
        path = Path(folder, f"cpu-{os.getpid()}.json")
        path.with_suffix(".tmp").write_text(json.dumps(_spent))
        path.with_suffix(".tmp").replace(path)


def pre_request(worker, req) -> None:
    _started[0] = time.thread_time()


def post_request(worker, req, environ, resp) -> None:
    spent = _spent.setdefault(kind_of(req.method, req.path), [0, 0.0])
    spent[0] += 1
    spent[1] += time.thread_time() - _started[0]
    _started[1] += 1
    if _started[1] % 50 == 0:
        _flush()


def worker_exit(server, worker) -> None:
    _flush()
