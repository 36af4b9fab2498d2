"""The requester side of the emulator's web services: the ticket events its writes fire are posted to
the receivers the web services name, as the servers' invokers do.

Pipeline (Znuny 7.0.19 / OTOBO 11 ``Kernel/GenericInterface/Event/Handler.pm`` and ``Requester.pm``):
every operation collects the events its writes fire (``ticket_core``); after its changes and before
its reply, each event is matched, in firing order, against every web service (in the order they were
added), every invoker (by name) and every ``Events`` entry of it (``Event`` equal to the name). A match
builds the invoker's body, posts it to ``Host + Controller`` and classifies the reply as the REST
transport does; a failure goes through the web service's ``RequestRetry`` error handling.

Differences from the servers, on purpose:

* Without :meth:`EventRequester.start_daemon` every invoker is sent before the reply, whatever its
  ``Asynchronous`` flag: a test sees its handler's effect as soon as the client call returns. With the
  daemon, asynchronous invokers go to background workers (unordered with several), as on a server.
* Retries are not timed by a daemon unless it runs: :meth:`EventRequester.run_retries` sends the
  scheduled ones (``at``: only those due by then).
* What the emulator cannot reproduce is refused when the YAML is loaded (``ValueError``), never
  ignored: event ``Condition``s, mappings, invoker types other than ``Generic::Tunnel``,
  ``Generic::PassThrough`` and ``Ticket::Generic``, other methods than POST/PUT/PATCH, ``:placeholders``
  in the Controller, other authentication than BasicAuth, ``ContentType`` other than JSON, proxies,
  X509 client certificates, other error-handling modules than ``RequestRetry``.

Every delivery is recorded (:attr:`EventRequester.deliveries`), with the server's error message for
a failure. The receiver must run in another thread or process (e.g. ``otobo_znuny.events.run_in_thread``):
a synchronous delivery blocks the request being answered.
"""

from __future__ import annotations

import json
import logging
import math
import queue
import random
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from otobo_znuny.emulator.flavors import Flavor, _shuffled
from otobo_znuny.emulator.state import FiredEvent, Helpdesk
from otobo_znuny.emulator.wire import encode_json, is_string_with_data, is_true

if TYPE_CHECKING:
    import httpx

__all__ = [
    "SUPPORTED_INVOKERS",
    "Delivery",
    "EventRequester",
    "InvokerConfig",
    "RequesterConfig",
    "RequesterQuirks",
    "requester_from_config",
]

logger = logging.getLogger("otobo_znuny.emulator.requester")

SUPPORTED_INVOKERS = ("Generic::Tunnel", "Generic::PassThrough", "Ticket::Generic")
"""Invoker types the emulator sends (which of them a flavour has: :class:`RequesterQuirks`)."""
_BODY_METHODS = ("POST", "PUT", "PATCH")
_TIMER = "emulator-daemon-retries"
_USER_AGENT = "REST::Client/273"  # REST/Client.pm: the User-Agent it sets (both servers bundle it)


@dataclass(frozen=True)
class RequesterQuirks:
    """How the two servers' requesters differ (``Kernel/GenericInterface/Transport/HTTP/REST.pm``
    RequesterPerformRequest of Znuny 7.0.19 and OTOBO 11; ``Invoker.pm`` for the types)."""

    invoker_types: frozenset[str]
    """Invoker backends the server has; another type fails at send time ("Can't load invoker backend module")."""
    content_type: str
    """Znuny ``application/json; charset=UTF-8``; OTOBO ``application/json``."""
    basic_auth_line_breaks: bool
    """OTOBO calls ``encode_base64`` with its default line ending: a break every 76 characters (and at
    the end), which LWP sends as a space; the emulator sends the inner ones (h11 refuses a trailing one)."""
    text_reply_accepted: bool
    """Znuny takes a ``text/plain|html|xml`` reply as ``{Body: ...}``; OTOBO needs JSON (or 204)."""
    protected_headers: frozenset[str]
    """Headers ``AdditionalHeaders`` cannot set (OTOBO's ``GenericInterface::Invoker::OutboundHeaderBlacklist``)."""
    event_key_first: bool
    """OTOBO builds ``{Event => name, %Data}``, Znuny ``{%Data, Event => name}`` (Event/Handler.pm)."""
    invoker_load_error: str
    """The debugger's message for a missing backend (``{type}`` is replaced)."""


QUIRKS: Mapping[str, RequesterQuirks] = {
    "znuny": RequesterQuirks(
        invoker_types=frozenset({"Generic::Tunnel", "Ticket::Generic"}),
        content_type="application/json; charset=UTF-8",
        basic_auth_line_breaks=False,
        text_reply_accepted=True,
        protected_headers=frozenset(),
        event_key_first=False,
        invoker_load_error="Can't load invoker backend module '{type}'!",
    ),
    "otobo": RequesterQuirks(
        invoker_types=frozenset({"Generic::PassThrough", "Ticket::TicketCreate", "Ticket::TicketUpdate"}),
        content_type="application/json",
        basic_auth_line_breaks=True,
        text_reply_accepted=False,
        protected_headers=frozenset({"content-length", "content-md5", "host"}),
        event_key_first=True,
        invoker_load_error="Can't load invoker backend module!",
    ),
}


# ---------------------------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class Subscription:
    event: str
    asynchronous: bool


@dataclass(frozen=True)
class InvokerConfig:
    """One invoker: its name, type and the events it listens to (in the order of ``Events``)."""

    name: str
    type: str
    events: tuple[Subscription, ...]


@dataclass(frozen=True)
class RetryRule:
    """A ``RequestRetry`` error-handling module (``Kernel/GenericInterface/ErrorHandling/RequestRetry.pm``)."""

    name: str
    stages: tuple[str, ...]
    invokers: tuple[str, ...]
    content_filter: str
    schedule: bool
    start: int
    factor: float
    interval_max: int | None
    count_max: int | None
    period_max: int | None

    def applies(self, stage: str, invoker: str, message: str) -> bool:
        if self.stages and stage not in self.stages:
            return False
        if self.invokers and invoker not in self.invokers:
            return False
        return not self.content_filter or re.search(self.content_filter, message) is not None


@dataclass(frozen=True)
class RequesterConfig:
    """The requester side of a web service. ``transport`` is the raw ``Transport.Config``: like the
    servers, the emulator checks ``Host``, ``DefaultCommand`` and ``Timeout`` when it sends."""

    invokers: tuple[InvokerConfig, ...]
    transport: Mapping[str, Any]
    retry_rules: tuple[RetryRule, ...] = ()


def _number(value: Any, what: str, name: str, *, allow_empty: bool = True) -> float | None:
    text = str(value if value is not None else "").strip()
    if text == "" and allow_empty:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # "inf", "nan", "1e400": int() of it would fail (OverflowError) later
        raise ValueError(f"web service {name!r}: {what} must be a number, got {value!r}")
    return number


def _retry_rules(name: str, requester: Mapping[str, Any]) -> tuple[RetryRule, ...]:
    modules = requester.get("ErrorHandling") or {}
    priority = requester.get("ErrorHandlingPriority") or []
    if not isinstance(modules, dict) or not isinstance(priority, list):
        raise ValueError(f"web service {name!r}: ErrorHandling must be a mapping and ErrorHandlingPriority a list")
    rules: list[RetryRule] = []
    for module_name in priority:
        module = modules.get(module_name)
        if not isinstance(module, dict):
            continue  # the server skips a priority entry without a module
        if module.get("Type") != "RequestRetry":
            raise ValueError(
                f"web service {name!r}: error handling {module_name!r} of type {module.get('Type')!r} is not "
                "emulated (RequestRetry is)"
            )
        start = _number(module.get("RetryIntervalStart"), "RetryIntervalStart", name, allow_empty=False)
        factor = _number(module.get("RetryIntervalFactor"), "RetryIntervalFactor", name, allow_empty=False)
        interval_max = _number(module.get("RetryIntervalMax"), "RetryIntervalMax", name)
        count_max = _number(module.get("RetryCountMax"), "RetryCountMax", name)
        period_max = _number(module.get("RetryPeriodMax"), "RetryPeriodMax", name)
        rules.append(
            RetryRule(
                name=str(module_name),
                stages=tuple(str(s) for s in module.get("ErrorStageFilter") or []),
                invokers=tuple(str(i) for i in module.get("InvokerFilter") or []),
                content_filter=str(module.get("ErrorMessageContentFilter") or ""),
                schedule=is_true(module.get("ScheduleRetry")),
                start=int(start or 0),
                factor=float(factor or 1),
                interval_max=int(interval_max) if interval_max is not None else None,
                count_max=int(count_max) if count_max else None,
                period_max=int(period_max) if period_max else None,
            )
        )
    return tuple(rules)


def _check_transport(name: str, config: Mapping[str, Any]) -> None:
    authentication = config.get("Authentication") or {}
    auth_type = authentication.get("AuthType") if isinstance(authentication, dict) else None
    if auth_type not in (None, "", "BasicAuth"):
        raise ValueError(f"web service {name!r}: authentication {auth_type!r} is not emulated (BasicAuth is)")
    if str(config.get("ContentType") or "JSON").upper() != "JSON":
        raise ValueError(f"web service {name!r}: ContentType {config.get('ContentType')!r} is not emulated (JSON is)")
    proxy = config.get("Proxy") or {}
    if isinstance(proxy, dict) and proxy.get("UseProxy") == "Yes":
        raise ValueError(f"web service {name!r}: a proxy is not emulated")
    x509 = config.get("X509") or {}
    if isinstance(x509, dict) and x509.get("UseX509") == "Yes":
        raise ValueError(f"web service {name!r}: X509 client certificates are not emulated")
    timeout = config.get("Timeout")
    if is_string_with_data(timeout) and (_number(timeout, "Timeout", name) or 0) < 0:
        # the socket layer refuses it: sending would raise out of the request that fired the event
        raise ValueError(f"web service {name!r}: a negative Timeout ({timeout!r}) is not emulated")


def requester_from_config(name: str, config: Mapping[str, Any]) -> RequesterConfig | None:
    """The requester side of a parsed web-service document, or ``None`` if it has no invoker.

    Raises:
        ValueError: something the emulator does not reproduce (see the module docstring), or a
            transport other than HTTP::REST.
    """
    requester = config.get("Requester") or {}
    invokers = requester.get("Invoker") if isinstance(requester, dict) else None
    if not isinstance(invokers, dict) or not invokers:
        return None
    transport = requester.get("Transport") or {}
    if transport.get("Type") != "HTTP::REST":
        raise ValueError(f"web service {name!r}: requester transport {transport.get('Type')!r} is not emulated")
    transport_config = transport.get("Config") or {}
    if not isinstance(transport_config, dict):
        raise ValueError(f"web service {name!r}: Requester.Transport.Config must be a mapping")
    _check_transport(name, transport_config)
    mapping = transport_config.get("InvokerControllerMapping") or {}
    parsed: list[InvokerConfig] = []
    for invoker_name in sorted(invokers):
        invoker = invokers[invoker_name] or {}
        invoker_type = str(invoker.get("Type", ""))
        where = f"web service {name!r}, invoker {invoker_name!r}"
        if invoker_type not in SUPPORTED_INVOKERS:
            raise ValueError(
                f"{where}: type {invoker_type!r} is not emulated (supported: {', '.join(SUPPORTED_INVOKERS)})"
            )
        for key in ("MappingOutbound", "MappingInbound"):
            if invoker.get(key):
                raise ValueError(f"{where}: {key} is not emulated; leave it empty")
        route = mapping.get(invoker_name) if isinstance(mapping, dict) else None
        if isinstance(route, dict):
            command = str(route.get("Command") or transport_config.get("DefaultCommand") or "POST").upper()
            if command not in _BODY_METHODS:
                raise ValueError(f"{where}: method {command} is not emulated (POST, PUT, PATCH are)")
            if re.search(r":[A-Za-z]", str(route.get("Controller", "")).split("?", 1)[0]):
                raise ValueError(f"{where}: ':placeholders' in the Controller are not emulated")
        subscriptions: list[Subscription] = []
        events = invoker.get("Events")
        for entry in events if isinstance(events, list) else []:
            if not isinstance(entry, dict) or not is_string_with_data(entry.get("Event")):
                continue  # Event/Handler.pm skips such entries
            if entry.get("Condition"):
                raise ValueError(f"{where}: event conditions are not emulated (event {entry['Event']})")
            subscriptions.append(Subscription(str(entry["Event"]), is_true(entry.get("Asynchronous"))))
        parsed.append(InvokerConfig(str(invoker_name), invoker_type, tuple(subscriptions)))
    return RequesterConfig(tuple(parsed), dict(transport_config), _retry_rules(name, requester))


# ---------------------------------------------------------------------------------------------- deliveries
@dataclass(frozen=True)
class Delivery:
    """One attempt to send one event through one invoker.

    ``ok``: the server would count it as done. ``status``: the receiver's HTTP status (``None``
    without a reply). ``error``: the server's message for a failure (``Error while performing REST
    'POST' request ... Response code '500'.``). ``attempt``: 1, then 2, 3... for retries.
    ``retry_at``: when ``RequestRetry`` sends it again (``None``: not again). ``data``: the event data
    the invoker got (with ``Event``); ``body``: the JSON sent (``None`` if nothing was sent).
    """

    webservice: str
    invoker: str
    event: str
    data: Mapping[str, Any]
    asynchronous: bool
    attempt: int
    at: datetime
    url: str | None
    ok: bool
    status: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    body: bytes | None = field(default=None, repr=False)

    def json(self) -> Any:
        """The body sent, decoded."""
        return json.loads(self.body) if self.body is not None else None


@dataclass(frozen=True)
class _Job:
    webservice: str
    requester: RequesterConfig
    invoker: InvokerConfig
    event: FiredEvent
    data: Mapping[str, Any]
    asynchronous: bool
    attempt: int = 1
    first_at: datetime | None = None
    retry_interval: int | None = None
    retry_time: datetime | None = None


@dataclass(frozen=True)
class _Prepared:
    request: httpx.Request
    controller: str
    host: str


def _retry_time(item: tuple[_Job, Delivery]) -> datetime:
    return item[0].retry_time or datetime.min.replace(tzinfo=timezone.utc)


class _SendFailure(Exception):
    def __init__(self, message: str, *, stage: str | None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage  # None: fails before error handling (no retry)
        self.status = status


class EventRequester:
    """Sends the emulator's events to the receivers of its requester web services.

    ``deliveries`` lists every attempt (oldest first); ``failures`` the failed ones; ``pending_retries``
    the scheduled retries. Thread-safe.
    """

    def __init__(
        self,
        helpdesk: Helpdesk,
        webservices: Callable[[], Sequence[tuple[str, RequesterConfig]]],
    ) -> None:
        self._helpdesk = helpdesk
        self._webservices = webservices
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._retries: list[tuple[_Job, Delivery]] = []  # the next attempt, the failed one
        self._clients: dict[Any, httpx.Client] = {}
        self._order = random.Random(0)  # the servers' JSON key order is Perl's hash order: random
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._workers: list[threading.Thread] = []
        self._busy = 0
        self._idle = threading.Condition(self._lock)
        self._stopping = threading.Event()

    # ------------------------------------------------------------------ observing
    @property
    def deliveries(self) -> list[Delivery]:
        """Every attempt so far, oldest first (a copy)."""
        with self._lock:
            return list(self._deliveries)

    @property
    def failures(self) -> list[Delivery]:
        """The failed attempts."""
        return [delivery for delivery in self.deliveries if not delivery.ok]

    @property
    def pending_retries(self) -> list[Delivery]:
        """The failed attempts that ``RequestRetry`` will send again, soonest first."""
        with self._lock:
            return [failed for _, failed in sorted(self._retries, key=_retry_time)]

    def clear(self) -> None:
        """Forget the recorded deliveries and the scheduled retries."""
        with self._lock:
            self._deliveries.clear()
            self._retries.clear()

    @property
    def listening(self) -> bool:
        """Whether any web service has an invoker (only then the operations collect their events)."""
        return any(config.invokers for _, config in self._webservices())

    # ------------------------------------------------------------------ dispatch
    def dispatch(self, fired: Sequence[FiredEvent]) -> None:
        """Match the events of one request against the invokers and send (or queue) each match."""
        if not fired:
            return
        services = self._webservices()
        flavor = self._helpdesk.flavor
        quirks = QUIRKS[flavor.name]
        now = self._helpdesk.now()
        for event in fired:
            for service_name, config in services:
                for invoker in config.invokers:
                    for subscription in invoker.events:
                        if subscription.event != event.name:
                            continue
                        data = (
                            {"Event": event.name, **event.data}
                            if quirks.event_key_first
                            else {**event.data, "Event": event.name}
                        )
                        job = _Job(service_name, config, invoker, event, data, subscription.asynchronous, first_at=now)
                        if subscription.asynchronous and self._workers:
                            with self._lock:
                                self._busy += 1
                            self._queue.put(job)
                        else:
                            self._deliver(job)

    def run_retries(self, at: datetime | None = None) -> list[Delivery]:
        """Send the scheduled retries due by ``at`` (``None``: all of them, as the daemon would once
        their time has come); returns the new attempts."""
        with self._lock:
            due = [item for item in self._retries if at is None or _retry_time(item) <= at]
            self._retries = [item for item in self._retries if item not in due]
        return [self._deliver(job) for job, _ in sorted(due, key=_retry_time)]

    # ------------------------------------------------------------------ the daemon
    def start_daemon(self, workers: int = 1) -> None:
        """Send asynchronous invokers from background workers, as the server's daemon does (with
        several workers, in no particular order), and due retries as their time comes.

        Raises:
            ValueError: ``workers`` below 1.
            RuntimeError: the daemon runs already.
        """
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if self._workers:
            raise RuntimeError("the emulator's daemon runs already")
        self._stopping.clear()
        self._workers = [
            threading.Thread(target=self._work, name=f"emulator-daemon-{index}", daemon=True)
            for index in range(workers)
        ]
        self._workers.append(threading.Thread(target=self._retry_timer, name=_TIMER, daemon=True))
        for thread in self._workers:
            thread.start()

    def stop_daemon(self, timeout: float = 10) -> None:
        """Let the workers finish what is queued, then stop them."""
        workers, self._workers = self._workers, []
        self._stopping.set()
        for thread in workers:
            if thread.name != _TIMER:
                self._queue.put(None)  # after what is queued: the workers finish it first
        for thread in workers:
            thread.join(timeout)

    def wait_idle(self, timeout: float = 10) -> bool:
        """Wait until no asynchronous delivery is queued or running; ``False`` on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._deliver(job)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _retry_timer(self) -> None:
        while not self._stopping.wait(0.25):  # SchedulerTaskWorker's loop sleeps 0.25 s
            self.run_retries(self._helpdesk.now())

    def close(self) -> None:
        """Stop the daemon and close the HTTP connections."""
        self.stop_daemon()
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    # ------------------------------------------------------------------ sending
    def _deliver(self, job: _Job) -> Delivery:
        flavor = self._helpdesk.flavor
        now = self._helpdesk.now()
        url: str | None = None
        body: bytes | None = None
        try:
            prepared = self._request(job, flavor)
            url, body = str(prepared.request.url), prepared.request.content
            status = self._send(job, prepared, flavor)
            delivery = Delivery(
                job.webservice, job.invoker.name, job.event.name, job.data, job.asynchronous, job.attempt, now,
                url, True, status, body=body,
            )  # fmt: skip
        except _SendFailure as failure:
            retry = self._reschedule(job, failure, now)
            delivery = Delivery(
                job.webservice, job.invoker.name, job.event.name, job.data, job.asynchronous, job.attempt, now,
                url, False, failure.status, failure.message, retry.retry_time if retry else None, body,
            )  # fmt: skip
            logger.info("event %s to %s failed: %s", job.event.name, url, failure.message)
            with self._lock:
                self._deliveries.append(delivery)
                if retry is not None:
                    self._retries.append((retry, delivery))
            return delivery
        with self._lock:
            self._deliveries.append(delivery)
        return delivery

    def _request(self, job: _Job, flavor: Flavor) -> _Prepared:
        import httpx

        quirks = QUIRKS[flavor.name]
        if job.invoker.type not in quirks.invoker_types:
            raise _SendFailure(quirks.invoker_load_error.format(type=job.invoker.type), stage=None)
        config = job.requester.transport
        stage = "RequesterRequestPerform"
        for needed in ("Host", "DefaultCommand", "Timeout"):
            if not is_string_with_data(config.get(needed)):
                raise _SendFailure(f"REST Transport: Have no {needed} in config", stage=stage)
        mapping = config.get("InvokerControllerMapping") or {}
        route = mapping.get(job.invoker.name) if isinstance(mapping, dict) else None
        if not isinstance(route, dict) or not is_string_with_data(route.get("Controller")):
            raise _SendFailure(
                f"REST Transport: Have no Invoker <-> Controller mapping for Invoker '{job.invoker.name}'.", stage=stage
            )
        command = str(route.get("Command") or config["DefaultCommand"]).upper()
        controller = str(route["Controller"]).split("?", 1)[0]  # a query without a replaced placeholder is dropped
        host = str(config["Host"])
        if "://" not in host:
            host = "http://" + host  # REST::Client adds the scheme (REST/Client.pm _prepareURL)
        url = host + (controller if controller.startswith("/") else "/" + controller)
        payload = self._payload(job)
        with self._lock:
            ordered = _shuffled(payload, self._order)
        headers = {"Content-Type": quirks.content_type, "User-Agent": _USER_AGENT}
        authorization = _basic_auth(config, quirks)
        if authorization is not None:
            headers["Authorization"] = authorization
        extra = config.get("AdditionalHeaders") or {}
        for name, value in extra.items() if isinstance(extra, dict) else ():
            if str(name).lower() not in quirks.protected_headers | {"content-length", "host"}:
                headers = {key: val for key, val in headers.items() if key.lower() != str(name).lower()}
                headers[str(name)] = str(value)
        try:
            request = httpx.Request(
                command,
                url,
                content=encode_json(ordered, sort_keys=False),
                headers=headers,
                extensions={"timeout": httpx.Timeout(float(str(config["Timeout"]))).as_dict()},
            )
        except httpx.InvalidURL as exc:  # a bad port or bracket in Host: LWP answers an internal 500 as well
            raise _SendFailure(
                f"Error while performing REST '{command}' request to Controller '{controller}' on Host "
                f"'{config['Host']}'. Response code '500'. (InvalidURL: {exc})",
                stage=stage,
            ) from None
        return _Prepared(request, controller, str(config["Host"]))

    def _payload(self, job: _Job) -> dict[str, Any]:
        if job.invoker.type != "Ticket::Generic":
            return dict(job.data)
        from otobo_znuny.emulator.deep_ticket import deep_ticket

        with self._helpdesk.lock:  # read at send time, as the invoker does
            ticket = deep_ticket(self._helpdesk, job.data.get("TicketID"), job.data.get("ArticleID"))
        return {"Event": dict(job.data), "Ticket": ticket}

    def _client(self, config: Mapping[str, Any]) -> httpx.Client:
        import httpx

        ssl = config.get("SSL") or {}
        ca_file = ssl.get("SSLCAFile") if isinstance(ssl, dict) and ssl.get("UseSSL") == "Yes" else None
        key = ca_file or ""
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                verify: Any = True
                if ca_file:
                    import ssl as ssl_module

                    verify = ssl_module.create_default_context(cafile=str(ca_file))
                # no redirects (REST::Client uses simple_request), no proxy from the environment
                client = httpx.Client(follow_redirects=False, trust_env=False, verify=verify)
                self._clients[key] = client
        return client

    def _send(self, job: _Job, prepared: _Prepared, flavor: Flavor) -> int:
        import httpx

        quirks = QUIRKS[flavor.name]
        prefix = (
            f"Error while performing REST '{prepared.request.method}' request to Controller "
            f"'{prepared.controller}' on Host '{prepared.host}'."
        )
        stage = "RequesterRequestPerform"
        try:
            response = self._client(job.requester.transport).send(prepared.request)
            content = response.read()
            response.close()
        except httpx.HTTPError as exc:
            # LWP turns a connection failure or timeout into an internal 500 response
            raise _SendFailure(f"{prefix} Response code '500'. ({type(exc).__name__}: {exc})", stage=stage) from None
        code = response.status_code
        error = f"{prefix} Response code '{code}'." if not re.fullmatch(r"20\d", str(code)) else ""
        if code != 204 and not content:
            error = (error + " No content provided.").strip()
        if error:
            raise _SendFailure(error, stage=stage, status=code)
        if code == 204:
            return code
        if quirks.text_reply_accepted and re.search(r"text/(plain|html|xml)", response.headers.get("content-type", "")):
            return code
        try:
            decoded = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            decoded = None
        if not is_true(decoded):
            raise _SendFailure(f"{prefix} Error while parsing JSON data.", stage=stage, status=code)
        return code

    def _reschedule(self, job: _Job, failure: _SendFailure, now: datetime) -> _Job | None:
        """The next attempt ``RequestRetry`` schedules, or ``None`` (``RequestRetry.pm`` Run)."""
        if failure.stage is None:
            return None
        for rule in job.requester.retry_rules:
            if not rule.applies(failure.stage, job.invoker.name, failure.message):
                continue
            retry_count = job.attempt - 1
            initial = job.first_at or now
            current = job.retry_time or now
            if not rule.schedule or (rule.count_max and retry_count >= rule.count_max):
                return None
            elapsed = (current - initial).total_seconds()
            if rule.period_max and elapsed >= rule.period_max:
                return None
            if job.retry_interval is not None:
                interval = int(job.retry_interval * rule.factor)
                if rule.interval_max is not None and interval > rule.interval_max:
                    interval = rule.interval_max
            else:
                interval = rule.start
            if rule.period_max and elapsed + interval >= rule.period_max:
                target = initial + timedelta(seconds=rule.period_max)
            else:
                target = current + timedelta(seconds=interval)
            if target <= now:
                target = now + timedelta(seconds=1)
            return replace(job, attempt=job.attempt + 1, first_at=initial, retry_interval=interval, retry_time=target)
        return None


def _basic_auth(config: Mapping[str, Any], quirks: RequesterQuirks) -> str | None:
    import base64

    authentication = config.get("Authentication") or {}
    if not isinstance(authentication, dict) or authentication.get("AuthType") != "BasicAuth":
        return None
    user, password = authentication.get("BasicAuthUser"), authentication.get("BasicAuthPassword")
    if not (is_string_with_data(user) and is_string_with_data(password)):
        return None  # both servers send BasicAuth only with a user and a password
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    if quirks.basic_auth_line_breaks:
        token = " ".join(token[i : i + 76] for i in range(0, len(token), 76))
    return "Basic " + token
