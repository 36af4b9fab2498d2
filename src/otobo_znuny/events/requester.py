"""The requester web service that makes a Znuny or OTOBO server post its ticket events to a receiver.

One invoker (``OtoboZnunyEvents``) subscribed to the chosen events; the event name is in every body.
Its type is the server's pass-through invoker - Znuny 7 ``Generic::Tunnel``, OTOBO 11
``Generic::PassThrough`` - which sends the event data unchanged (Znuny 7.0.19
``Kernel/GenericInterface/Invoker/Generic/Tunnel.pm``, OTOBO 11
``Kernel/GenericInterface/Invoker/Generic/PassThrough.pm``). ``full_ticket=True`` chooses Znuny's
``Ticket::Generic`` instead, which adds the whole ticket; OTOBO 11 has no such invoker.

The keys are those of the admin interface's export (Znuny
``Kernel/Modules/AdminGenericInterfaceTransportHTTPREST.pm``, ``AdminGenericInterfaceInvokerDefault.pm``),
so ``Admin::WebService::Add --source-path`` takes the YAML as it takes the provider one. The
transport needs ``Host``, ``DefaultCommand`` and ``Timeout`` at send time, not at import (Znuny
``Kernel/GenericInterface/Transport/HTTP/REST.pm`` RequesterPerformRequest): they are always written.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.config import ServerFlavor
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.events.credentials import DEFAULT_USER, TOKEN_HEADER, check_secret, check_user
from otobo_znuny.events.receiver import DEFAULT_PATH

__all__ = [
    "AUTH_MODES",
    "DEFAULT_EVENTS",
    "DEFAULT_NAME",
    "DEFAULT_PATH",
    "INVOKER_NAME",
    "RequesterSpec",
    "check_events",
    "invoker_type",
    "is_loopback_url",
    "render_requester",
    "requester_document",
    "split_receiver_url",
]

DEFAULT_NAME = "OtoboZnunyEvents"
"""The web service's default name."""
INVOKER_NAME = "OtoboZnunyEvents"
"""The invoker's name (also the scheduler task ``Invoker-OtoboZnunyEvents`` of asynchronous events)."""
AUTH_MODES = ("basic", "header", "both")

DEFAULT_EVENTS = (
    "TicketCreate",
    "ArticleCreate",
    "TicketStateUpdate",
    "TicketQueueUpdate",
    "TicketPriorityUpdate",
    "TicketOwnerUpdate",
    "TicketTitleUpdate",
)
"""What most reactions need. ``HistoryAdd`` is left out: it fires for every history row."""

# Znuny 7.0.19 Kernel/Config/Files/XML/Ticket.xml Events###Ticket and Events###Article (what the admin
# interface offers); OTOBO 11 has the same lists without TicketAllChildrenClosed and with ArticleEdit.
_TICKET_EVENTS = [
    "TicketCreate",
    "TicketDelete",
    "TicketTitleUpdate",
    "TicketUnlockTimeoutUpdate",
    "TicketQueueUpdate",
    "TicketTypeUpdate",
    "TicketServiceUpdate",
    "TicketSLAUpdate",
    "TicketCustomerUpdate",
    "TicketPendingTimeUpdate",
    "TicketLockUpdate",
    "TicketArchiveFlagUpdate",
    "TicketStateUpdate",
    "TicketOwnerUpdate",
    "TicketResponsibleUpdate",
    "TicketPriorityUpdate",
    "HistoryAdd",
    "HistoryDelete",
    "TicketAccountTime",
    "TicketMerge",
    "TicketSubscribe",
    "TicketUnsubscribe",
    "TicketFlagSet",
    "TicketFlagDelete",
    "EscalationResponseTimeNotifyBefore",
    "EscalationUpdateTimeNotifyBefore",
    "EscalationSolutionTimeNotifyBefore",
    "EscalationResponseTimeStart",
    "EscalationUpdateTimeStart",
    "EscalationSolutionTimeStart",
    "EscalationResponseTimeStop",
    "EscalationUpdateTimeStop",
    "EscalationSolutionTimeStop",
    "NotificationNewTicket",
    "NotificationFollowUp",
    "NotificationLockTimeout",
    "NotificationOwnerUpdate",
    "NotificationResponsibleUpdate",
    "NotificationAddNote",
    "NotificationMove",
    "NotificationPendingReminder",
    "NotificationEscalation",
    "NotificationEscalationNotifyBefore",
    "NotificationServiceUpdate",
]
_ARTICLE_EVENTS = [
    "ArticleCreate",
    "ArticleUpdate",
    "ArticleSend",
    "ArticleBounce",
    "ArticleAgentNotification",
    "ArticleCustomerNotification",
    "ArticleAutoResponse",
    "ArticleFlagSet",
    "ArticleFlagDelete",
    "ArticleEmailSendingQueued",
    "ArticleEmailSendingSent",
    "ArticleEmailSendingError",
    "ArticleCreateTransmissionError",
    "ArticleUpdateTransmissionError",
    "UserMention",
    "ArticleDynamicFieldUpdate",
]
_KNOWN_EVENTS = {
    ServerFlavor.ZNUNY: frozenset([*_TICKET_EVENTS, "TicketAllChildrenClosed", *_ARTICLE_EVENTS]),
    ServerFlavor.OTOBO: frozenset([*_TICKET_EVENTS, *_ARTICLE_EVENTS, "ArticleEdit"]),
}
# One event per ticket dynamic field (Kernel/System/Event.pm adds them; names are alphanumeric).
_FIELD_EVENT = re.compile(r"^TicketDynamicFieldUpdate_[A-Za-z0-9]+$")

_RETRY = {
    "Type": "RequestRetry",
    "Description": "otobo-znuny: send again while the receiver is unreachable or answers an error",
    "ErrorStageFilter": ["RequesterRequestPerform"],
    "InvokerFilter": [],
    "ErrorMessageContentFilter": "",
    "StopAfterMatch": "",
    "ScheduleRetry": "1",
    "RetryIntervalStart": "30",
    "RetryIntervalFactor": "2",
    "RetryIntervalMax": "3600",
    "RetryCountMax": "",
    "RetryPeriodMax": "86400",
}
"""Znuny/OTOBO ``Kernel/GenericInterface/ErrorHandling/RequestRetry.pm``: after 30 s, then doubling up
to an hour, for a day after the first attempt; needs the daemon (``bin/*.Daemon.pl``)."""


def invoker_type(flavor: ServerFlavor, *, full_ticket: bool = False) -> str:
    """The invoker type that sends the event data on a server of ``flavor``.

    Raises:
        RequestValidationError: ``full_ticket`` for OTOBO, which has no ``Ticket::Generic``.
    """
    if full_ticket:
        if flavor is not ServerFlavor.ZNUNY:
            raise RequestValidationError(
                "full_ticket",
                "OTOBO 11 has no Ticket::Generic invoker (a web service naming it imports, but every call fails "
                'with "Can\'t load invoker backend module"); leave it out and fetch the ticket with TicketGet',
            )
        return "Ticket::Generic"
    return "Generic::Tunnel" if flavor is ServerFlavor.ZNUNY else "Generic::PassThrough"


def check_events(names: Sequence[str], flavor: ServerFlavor, *, custom: Sequence[str] = ()) -> list[str]:
    """The event names, checked against what ``flavor`` fires (a typo would subscribe to nothing),
    without repeats; ``custom`` names (an add-on's events) are taken as they are.

    Raises:
        RequestValidationError: no event, or an unknown name (the closest known one is suggested).
    """
    known = _KNOWN_EVENTS[flavor]
    chosen: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name not in known and not _FIELD_EVENT.match(name):
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise RequestValidationError(
                "events",
                f"{name!r} is not an event {flavor.value} fires{hint} (TicketDynamicFieldUpdate_<FieldName> per "
                "dynamic field; an add-on's own event: give it as a custom event)",
            )
        if name not in chosen:
            chosen.append(name)
    for raw in custom:
        name = raw.strip()
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise RequestValidationError("custom_events", f"{raw!r} is not an event name (letters, digits, '_')")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise RequestValidationError("events", "give at least one event")
    return chosen


def split_receiver_url(url: str) -> tuple[str, str]:
    """``https://hooks.example:8443/otobo-znuny/events`` -> ``("https://hooks.example:8443", "/otobo-znuny/events")``:
    the transport's ``Host`` and the invoker's ``Controller`` (the server posts to ``Host + Controller``).

    Raises:
        RequestValidationError: not an absolute http(s) URL, or one with credentials, a query string
            (the server drops a static query string: Znuny ``REST.pm`` keeps it only when a
            placeholder in it was replaced), a fragment, a ``:name`` path segment (a placeholder the
            server would fill from the event and remove from the body), or whitespace.
    """
    if any(char.isspace() for char in url):
        raise RequestValidationError("url", f"{url!r} contains whitespace")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RequestValidationError("url", f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RequestValidationError("url", f"give the receiver's absolute http:// or https:// URL, got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise RequestValidationError(
            "url", "no credentials in the URL: the secret goes into the web service's BasicAuth or token header"
        )
    if parts.query or url.rstrip("#").endswith("?"):
        raise RequestValidationError(
            "url",
            "a query string is dropped by the server (only a query with a replaced :placeholder is kept), so the "
            "receiver would never see it; put everything into the path",
        )
    if parts.fragment or "#" in url:
        raise RequestValidationError("url", "a URL fragment (#...) is never sent; remove it")
    path = parts.path or "/"
    if any(segment.startswith(":") for segment in path.split("/")):
        raise RequestValidationError(
            "url",
            f"{path!r} has a ':name' segment, which the server replaces with an event value and removes from "
            "the body; use a fixed path",
        )
    host = f"{parts.scheme}://{parts.hostname if ':' not in parts.hostname else '[' + parts.hostname + ']'}"
    if port is not None:
        host += f":{port}"
    return host, path


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` names this host (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    hostname = urlsplit(url).hostname or ""
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, repr=False)
class RequesterSpec:
    """What the requester web service sends where.

    ``auth``: ``basic`` (``Authorization: Basic user:secret``), ``header`` (the secret in the
    ``X-OtoboZnuny-Token`` header) or ``both``. ``asynchronous``: events are queued and sent by the
    server's daemon (the agent's action does not wait for the receiver; needs the daemon running),
    or sent during the request that changed the ticket (no daemon; a slow receiver delays it).
    ``retry``: add the ``RequestRetry`` error handling (needs the daemon, also for synchronous events).

    Raises:
        RequestValidationError: an invalid URL, event, secret, user, auth mode or timeout, or
            ``full_ticket`` for OTOBO.
    """

    url: str
    secret: str = field(repr=False)
    flavor: ServerFlavor = ServerFlavor.ZNUNY
    events: Sequence[str] = DEFAULT_EVENTS
    custom_events: Sequence[str] = ()
    asynchronous: bool = True
    auth: str = "basic"
    user: str = DEFAULT_USER
    timeout: int = 30
    retry: bool = True
    full_ticket: bool = False
    name: str = DEFAULT_NAME

    def __post_init__(self) -> None:
        try:
            flavor = ServerFlavor(str(getattr(self.flavor, "value", self.flavor)).lower())
        except ValueError:
            choices = ", ".join(f.value for f in ServerFlavor)
            raise RequestValidationError("flavor", f"must be one of {choices}, got {self.flavor!r}") from None
        object.__setattr__(self, "flavor", flavor)
        split_receiver_url(self.url)
        object.__setattr__(self, "events", tuple(check_events(self.events, self.flavor, custom=self.custom_events)))
        for label, check, value in (("secret", check_secret, self.secret), ("user", check_user, self.user)):
            try:
                check(value)
            except ValueError as exc:
                raise RequestValidationError(label, str(exc)) from None
        if self.auth not in AUTH_MODES:
            raise RequestValidationError("auth", f"must be one of {', '.join(AUTH_MODES)}, got {self.auth!r}")
        if not 1 <= self.timeout <= 3600:
            raise RequestValidationError("timeout", f"must be 1 to 3600 seconds, got {self.timeout}")
        if not self.name.strip() or "/" in self.name:
            raise RequestValidationError("name", "the web-service name must be non-empty and must not contain '/'")
        invoker_type(self.flavor, full_ticket=self.full_ticket)

    def __repr__(self) -> str:
        return (
            f"RequesterSpec(url={self.url!r}, flavor={self.flavor.value!r}, events={list(self.events)!r}, "
            f"asynchronous={self.asynchronous}, auth={self.auth!r}, secret='********')"
        )


def requester_document(spec: RequesterSpec) -> dict[str, Any]:
    """The requester web service as a dict (the structure the admin interface exports).

    The debugger logs errors only: at ``debug`` Znuny stores the outgoing request headers,
    ``Authorization`` included (Znuny 7.0.19 ``REST.pm`` RequesterPerformRequest).
    """
    host, controller = split_receiver_url(spec.url)
    invoker: dict[str, Any] = {
        "Description": "otobo-znuny: post ticket events to the receiver",
        "Events": [{"Asynchronous": "1" if spec.asynchronous else "0", "Event": event} for event in spec.events],
        "MappingInbound": {},
        "MappingOutbound": {},
        "Type": invoker_type(spec.flavor, full_ticket=spec.full_ticket),
    }
    if spec.full_ticket:
        invoker["GetAllArticleAttachments"] = "0"
    config: dict[str, Any] = {
        "Host": host,
        "DefaultCommand": "POST",
        "Timeout": str(spec.timeout),
        "InvokerControllerMapping": {INVOKER_NAME: {"Command": "POST", "Controller": controller}},
    }
    if spec.auth in ("basic", "both"):
        config["Authentication"] = {
            "AuthType": "BasicAuth",
            "BasicAuthUser": spec.user,
            "BasicAuthPassword": spec.secret,
        }
    if spec.auth in ("header", "both"):
        config["AdditionalHeaders"] = {TOKEN_HEADER: spec.secret}
    requester: dict[str, Any] = {
        "Invoker": {INVOKER_NAME: invoker},
        "Transport": {"Type": "HTTP::REST", "Config": config},
    }
    if spec.retry:
        requester["ErrorHandling"] = {"RetryOnFailure": dict(_RETRY)}
        requester["ErrorHandlingPriority"] = ["RetryOnFailure"]
    return {
        "Debugger": {"DebugThreshold": "error", "TestMode": "0"},
        "Description": f"{spec.name}: ticket events for the otobo-znuny receiver at {host}{controller}",
        "Provider": {"Transport": {"Type": ""}},
        "RemoteSystem": "",
        "Requester": requester,
    }


def render_requester(spec: RequesterSpec) -> str:
    """The requester web-service YAML text (see :func:`requester_document`); it holds the secret.

    Raises:
        MissingDependencyError: PyYAML is not installed.
    """
    yaml = import_yaml("rendering the requester web service", extra="yaml")
    text: str = yaml.safe_dump(
        requester_document(spec), sort_keys=False, explicit_start=True, default_flow_style=False, allow_unicode=True
    )
    return text
