"""Fault injection and request counters for resilience tests and benchmarks."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

When = Literal["before", "after"]


@dataclass
class FaultDecision:
    """What to do with one request."""

    drop: When | None = None
    http_500: bool = False
    delay: float = 0.0


@dataclass
class _Rule:
    kind: str
    rate: float
    when: When = "before"
    seconds: float = 0.0
    operations: frozenset[str] | None = None
    remaining: int | None = None


class Faults:
    """Fault rules applied to incoming requests.

    ``rate`` is a probability in ``[0, 1]``; ``count`` limits how many requests a rule hits;
    ``operations`` limits a rule to some operation names. Randomness comes from ``seed`` so runs
    are reproducible. Raises ``ValueError`` for a rate outside ``[0, 1]``.

    All rules draw from **one** random generator. Passing ``seed=`` to a rule method
    (``drop_connections``, ``http_500_text``, ``slow``) re-seeds that shared generator, which
    changes the dice of every rule already added too, not only of the new one.
    """

    def __init__(self, seed: int | None = 0) -> None:
        self._rules: list[_Rule] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self._expire: Callable[[str | None], int] | None = None

    def bind_sessions(self, expire: Callable[[str | None], int]) -> None:
        """Connect :meth:`expire_sessions` to a session store (done by the Emulator)."""
        self._expire = expire

    def expire_sessions(self, session_id: str | None = None) -> int:
        """Expire one session (by ID) or all of them now; returns how many were expired.

        Raises ``RuntimeError`` if the faults object is not bound to an emulator.
        """
        if self._expire is None:
            raise RuntimeError("Faults is not bound to an emulator")
        return self._expire(session_id)

    def _add(self, rule: _Rule, seed: int | None) -> Faults:
        """Add ``rule``; a ``seed`` re-seeds the generator shared by all rules."""
        if not 0.0 <= rule.rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {rule.rate}")
        with self._lock:
            if seed is not None:
                self._random = random.Random(seed)
            self._rules.append(rule)
        return self

    def drop_connections(
        self,
        rate: float = 1.0,
        when: When = "before",
        seed: int | None = None,
        count: int | None = None,
        operations: set[str] | None = None,
    ) -> Faults:
        """Close the connection without a reply. ``before``: the request is never processed;
        ``after``: it is processed, then the reply is lost."""
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        ops = frozenset(operations) if operations else None
        return self._add(_Rule("drop", rate, when=when, operations=ops, remaining=count), seed)

    def http_500_text(
        self,
        rate: float = 1.0,
        seed: int | None = None,
        count: int | None = None,
        operations: set[str] | None = None,
    ) -> Faults:
        """Answer HTTP 500 ``text/plain`` (like Apache's error page) without processing."""
        ops = frozenset(operations) if operations else None
        return self._add(_Rule("http_500", rate, operations=ops, remaining=count), seed)

    def slow(
        self,
        seconds: float,
        rate: float = 1.0,
        seed: int | None = None,
        count: int | None = None,
        operations: set[str] | None = None,
    ) -> Faults:
        """Delay the reply by ``seconds`` (the request is processed normally)."""
        ops = frozenset(operations) if operations else None
        return self._add(_Rule("slow", rate, seconds=seconds, operations=ops, remaining=count), seed)

    def clear(self) -> None:
        """Remove every fault rule (counters of injected faults are kept)."""
        with self._lock:
            self._rules.clear()

    def decide(self, operation: str) -> FaultDecision:
        """Roll the dice for one request to ``operation``."""
        decision = FaultDecision()
        with self._lock:
            for rule in self._rules:
                if rule.operations is not None and operation not in rule.operations:
                    continue
                if rule.remaining is not None and rule.remaining <= 0:
                    continue
                if self._random.random() >= rule.rate:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                if rule.kind == "drop" and decision.drop is None:
                    decision.drop = rule.when
                    self.injected[f"drop_{rule.when}"] += 1
                elif rule.kind == "http_500":
                    decision.http_500 = True
                    self.injected["http_500"] += 1
                elif rule.kind == "slow":
                    decision.delay += rule.seconds
                    self.injected["slow"] += 1
        return decision


@dataclass
class RequestCounters:
    """Requests seen (after routing), per operation name and per auth kind.

    Auth kinds: ``session`` (a non-empty SessionID was sent), ``password`` (a Password without a
    SessionID) and ``none``.
    """

    by_operation: Counter[str] = field(default_factory=Counter)
    by_auth: Counter[str] = field(default_factory=Counter)
    total: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, operation: str, auth: str) -> None:
        with self._lock:
            self.by_operation[operation] += 1
            self.by_auth[auth] += 1
            self.total += 1

    def reset(self) -> None:
        with self._lock:
            self.by_operation.clear()
            self.by_auth.clear()
            self.total = 0
