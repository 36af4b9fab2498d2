"""Run jobs with a bounded number in flight and hand back their results in submission order.

``in_order_async`` serves the async client (asyncio tasks), ``in_order_threads`` the sync client
(a thread pool; ``httpx.Client`` is thread-safe). Both keep at most ``limit`` jobs running, so
memory is bounded by ``limit`` results however many jobs there are, and both cancel what has
not started when the consumer stops early.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["in_order_async", "in_order_threads"]

T = TypeVar("T")


async def in_order_async(jobs: Iterable[Callable[[], Awaitable[T]]], limit: int) -> AsyncIterator[T]:
    """Run ``jobs`` as asyncio tasks, at most ``limit`` at once; yield their results in order.

    Raises:
        Exception: whatever a job raised, when its result is due (the others are cancelled).
    """
    window: deque[asyncio.Future[T]] = deque()
    try:
        for job in jobs:
            window.append(asyncio.ensure_future(job()))
            if len(window) >= limit:
                yield await window.popleft()
        while window:
            yield await window.popleft()
    finally:
        for task in window:
            task.cancel()
        if window:
            await asyncio.gather(*window, return_exceptions=True)


def in_order_threads(jobs: Iterable[Callable[[], T]], limit: int) -> Iterator[T]:
    """Run ``jobs`` in a pool of ``limit`` threads; yield their results in order.

    Raises:
        Exception: whatever a job raised, when its result is due (jobs not yet started are cancelled).
    """
    if limit == 1:
        for job in jobs:
            yield job()
        return
    window: deque[Future[T]] = deque()
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="otobo-znuny") as pool:
        try:
            for job in jobs:
                window.append(pool.submit(job))
                if len(window) >= limit:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:
                future.cancel()
