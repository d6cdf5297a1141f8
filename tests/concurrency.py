"""The suite's one way of running code at the same moment in several threads.

Each call runs in its own thread (so in its own database connection, closed when the thread
is done) and all of them are released together by a barrier, so they really race: the
PostgreSQL concurrency tests use it to show that a money-moving or limited action happens once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from celery._state import _set_task_join_will_block, task_join_will_block
from django.db import connection


def run_concurrently(
    n: int,
    fn: Callable[[int], Any],
    *,
    while_running: Callable[[], None] | None = None,
    timeout: float = 120,
) -> list[Any]:
    """Call `fn(0)` … `fn(n - 1)` at once in `n` threads; return what each returned, or the
    exception it raised, in index order. `while_running` is called after the threads start,
    before they are waited for (to release something they wait on)."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    # Celery's "a task must not wait for another" flag is one global of the process, which each eager
    # task sets and restores: threads running eager tasks at once (a webhook's apply after its commit)
    # can leave it set, and every later `.delay().get()` of the run would then refuse. Put it back.
    join_will_block = task_join_will_block()

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = fn(index)
        except BaseException as exc:  # handed back to the test as the thread's outcome
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,), name=f"concurrently-{index}") for index in range(n)]
    for thread in threads:
        thread.start()
    if while_running is not None:
        while_running()
    for thread in threads:
        thread.join(timeout=timeout)
    _set_task_join_will_block(join_will_block)
    return results
