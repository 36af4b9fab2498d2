"""The rendered requester web service: its structure checked key by key against what the servers read
(RESEARCH-15 / the sources cited in ``otobo_znuny.events.requester``), the URL and event checks, and
the emulator loading the same YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from events.conftest import SECRET
from otobo_znuny import ServerFlavor
from otobo_znuny.emulator import Emulator
from otobo_znuny.emulator.routes import webservice_from_config
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.events import RequesterSpec, render_requester, requester_document
from otobo_znuny.events.requester import DEFAULT_EVENTS, check_events, split_receiver_url

URL = "https://hooks.example:8443/otobo-znuny/events"


def webservice_add_accepts(document: dict[str, Any]) -> None:
    """What ``Admin::WebService::Add`` -> ``WebserviceAdd`` checks (Znuny 7.0.19
    ``Kernel/System/GenericInterface/Webservice.pm`` 89-138; OTOBO 11 the same): a non-empty Config,
    a Debugger with a DebugThreshold, Provider or Requester, each given one with a non-empty Transport."""
    assert isinstance(document, dict)
    assert document
    assert isinstance(document["Debugger"], dict)
    assert document["Debugger"]["DebugThreshold"]
    assert "Provider" in document or "Requester" in document
    for side in ("Provider", "Requester"):
        if side in document:
            assert isinstance(document[side], dict)
            assert document[side]
            assert isinstance(document[side]["Transport"], dict)
            assert document[side]["Transport"]


def rendered(**options: Any) -> dict[str, Any]:
    document = yaml.safe_load(render_requester(RequesterSpec(options.pop("url", URL), SECRET, **options)))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize(("flavor", "invoker"), [("znuny", "Generic::Tunnel"), ("otobo", "Generic::PassThrough")])
def test_the_structure_is_what_both_servers_read(flavor: str, invoker: str) -> None:
    document = rendered(flavor=flavor)
    webservice_add_accepts(document)
    assert document["Debugger"] == {"DebugThreshold": "error", "TestMode": "0"}, "debug would log Authorization"
    requester = document["Requester"]
    assert list(requester["Invoker"]) == ["OtoboZnunyEvents"]
    entry = requester["Invoker"]["OtoboZnunyEvents"]
    assert entry["Type"] == invoker
    assert entry["MappingInbound"] == {}
    assert entry["MappingOutbound"] == {}
    assert entry["Events"] == [{"Asynchronous": "1", "Event": name} for name in DEFAULT_EVENTS]
    transport = requester["Transport"]
    assert transport["Type"] == "HTTP::REST"
    config = transport["Config"]
    # REST.pm RequesterPerformRequest needs these three as strings with data, at send time
    assert (config["Host"], config["DefaultCommand"], config["Timeout"]) == ("https://hooks.example:8443", "POST", "30")
    assert config["InvokerControllerMapping"] == {
        "OtoboZnunyEvents": {"Command": "POST", "Controller": "/otobo-znuny/events"}
    }
    assert config["Authentication"] == {
        "AuthType": "BasicAuth",
        "BasicAuthUser": "otobo-znuny",
        "BasicAuthPassword": SECRET,
    }
    assert "AdditionalHeaders" not in config
    retry = requester["ErrorHandling"]["RetryOnFailure"]
    assert requester["ErrorHandlingPriority"] == ["RetryOnFailure"]
    assert retry["Type"] == "RequestRetry"
    # RequestRetry.pm _ModuleConfigCheck: ScheduleRetry 0|1, RetryIntervalStart 0..999999, Factor 1|1.5|2
    assert retry["ScheduleRetry"] == "1"
    assert 0 <= int(retry["RetryIntervalStart"]) <= 999999
    assert retry["RetryIntervalFactor"] in ("1", "1.5", "2")
    assert retry["ErrorStageFilter"] == ["RequesterRequestPerform"]
    assert all(isinstance(value, str) for value in _scalars(document)), "the servers' YAML holds strings"


def _scalars(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [item for child in value.values() for item in _scalars(child)]
    if isinstance(value, list):
        return [item for child in value for item in _scalars(child)]
    return [value]


def test_options_change_only_their_keys() -> None:
    sync = rendered(asynchronous=False, retry=False, timeout=5, events=["TicketCreate", "TicketCreate"])
    entry = sync["Requester"]["Invoker"]["OtoboZnunyEvents"]
    assert entry["Events"] == [{"Asynchronous": "0", "Event": "TicketCreate"}]
    assert "ErrorHandling" not in sync["Requester"]
    assert "ErrorHandlingPriority" not in sync["Requester"]
    assert sync["Requester"]["Transport"]["Config"]["Timeout"] == "5"
    header = rendered(auth="header")["Requester"]["Transport"]["Config"]
    assert header["AdditionalHeaders"] == {"X-OtoboZnuny-Token": SECRET}
    assert "Authentication" not in header
    both = rendered(auth="both", user="helpdesk")["Requester"]["Transport"]["Config"]
    assert both["Authentication"]["BasicAuthUser"] == "helpdesk"
    assert both["AdditionalHeaders"]
    full = rendered(full_ticket=True)["Requester"]["Invoker"]["OtoboZnunyEvents"]
    assert (full["Type"], full["GetAllArticleAttachments"]) == ("Ticket::Generic", "0")


def test_otobo_has_no_ticket_generic() -> None:
    with pytest.raises(RequestValidationError, match="OTOBO 11 has no Ticket::Generic") as caught:
        RequesterSpec(URL, SECRET, flavor="otobo", full_ticket=True)
    assert caught.value.field == "full_ticket"


@pytest.mark.parametrize(
    ("url", "host", "controller"),
    [
        ("https://hooks.example:8443/otobo-znuny/events", "https://hooks.example:8443", "/otobo-znuny/events"),
        ("http://10.1.2.3/", "http://10.1.2.3", "/"),
        ("http://receiver", "http://receiver", "/"),
        ("http://[::1]:9000/a/b", "http://[::1]:9000", "/a/b"),
        ("HTTPS://Hooks.Example/x", "https://hooks.example", "/x"),
    ],
)
def test_the_url_becomes_host_and_controller(url: str, host: str, controller: str) -> None:
    assert split_receiver_url(url) == (host, controller)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://hooks.example/events?token=abc", "a query string is dropped by the server"),
        ("https://hooks.example/events?", "a query string is dropped"),
        ("https://hooks.example/events#x", "fragment"),
        ("https://user:pw@hooks.example/events", "no credentials in the URL"),
        ("https://hooks.example/events/:TicketID", "':name' segment"),
        ("ftp://hooks.example/events", "absolute http:// or https://"),
        ("/otobo-znuny/events", "absolute http:// or https://"),
        ("https://hooks.example:99999/", "not a valid URL"),
        ("https://hooks.example/my events", "whitespace"),
    ],
)
def test_urls_the_server_would_mangle_are_refused(url: str, message: str) -> None:
    with pytest.raises(RequestValidationError, match=message) as caught:
        RequesterSpec(url, SECRET)
    assert caught.value.field == "url"


def test_event_names_are_checked_per_server() -> None:
    assert check_events(["TicketCreate", "TicketDynamicFieldUpdate_OrderID", "TicketCreate"], ServerFlavor.ZNUNY) == [
        "TicketCreate",
        "TicketDynamicFieldUpdate_OrderID",
    ]
    assert check_events(["ArticleEdit"], ServerFlavor.OTOBO) == ["ArticleEdit"]
    with pytest.raises(RequestValidationError, match="did you mean TicketCreate"):
        check_events(["TicketCreated"], ServerFlavor.ZNUNY)
    with pytest.raises(RequestValidationError, match="'TicketAllChildrenClosed' is not an event otobo fires"):
        check_events(["TicketAllChildrenClosed"], ServerFlavor.OTOBO)
    with pytest.raises(RequestValidationError, match="'ArticleEdit' is not an event znuny fires"):
        check_events(["ArticleEdit"], ServerFlavor.ZNUNY)
    assert check_events([], ServerFlavor.ZNUNY, custom=["MyAddonEvent"]) == ["MyAddonEvent"]
    with pytest.raises(RequestValidationError, match="not an event name"):
        check_events([], ServerFlavor.ZNUNY, custom=["bad name"])
    with pytest.raises(RequestValidationError, match="at least one event"):
        check_events([" "], ServerFlavor.ZNUNY)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"secret": "too-short"}, "secret"),
        ({"secret": "a secret with spaces!!"}, "secret"),
        ({"user": "a:b"}, "user"),
        ({"auth": "hmac"}, "auth"),
        ({"timeout": 0}, "timeout"),
        ({"name": "a/b"}, "name"),
        ({"flavor": "otrs"}, "flavor"),
    ],
)
def test_bad_settings_name_their_field(options: dict[str, Any], field: str) -> None:
    options = {"secret": SECRET, **options}
    with pytest.raises(RequestValidationError) as caught:
        RequesterSpec(URL, **options)
    assert caught.value.field == field


def test_the_spec_repr_hides_the_secret() -> None:
    assert SECRET not in repr(RequesterSpec(URL, SECRET))


@pytest.mark.parametrize("flavor", ["znuny", "otobo"])
def test_the_emulator_loads_the_rendered_yaml(flavor: str, tmp_path: Path) -> None:
    path = tmp_path / "Events.yml"
    path.write_text(render_requester(RequesterSpec(URL, SECRET, flavor=flavor, asynchronous=False)), encoding="utf-8")
    service = Emulator.from_seed("empty", flavor=flavor).load_webservice(path)
    assert service.name == "Events"
    assert service.routes == []
    assert service.requester is not None
    [invoker] = service.requester.invokers
    assert invoker.name == "OtoboZnunyEvents"
    assert [(s.event, s.asynchronous) for s in invoker.events] == [(name, False) for name in DEFAULT_EVENTS]
    assert [rule.name for rule in service.requester.retry_rules] == ["RetryOnFailure"]


def test_a_provider_and_requester_document_gives_both_sides() -> None:
    from otobo_znuny.cli.webservice import webservice_document

    provider = webservice_document("Both", "post", [], ServerFlavor.ZNUNY)
    provider["Requester"] = requester_document(RequesterSpec(URL, SECRET))["Requester"]
    service = webservice_from_config("Both", provider)
    assert service.requester is not None
    assert service.requester.invokers


def base_document() -> dict[str, Any]:
    return requester_document(RequesterSpec(URL, SECRET))


def _edit(path: str, value: Any) -> dict[str, Any]:
    document = base_document()
    target: Any = document
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[keys[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("Requester.Invoker.OtoboZnunyEvents.Type", "Ticket::TicketCreate", "is not emulated"),
        ("Requester.Invoker.OtoboZnunyEvents.MappingOutbound", {"Type": "Simple"}, "MappingOutbound is not emulated"),
        ("Requester.Invoker.OtoboZnunyEvents.Events.0.Condition", {"Condition": {"1": {}}}, "conditions"),
        ("Requester.Transport.Config.Authentication", {"AuthType": "JWT"}, "authentication 'JWT'"),
        ("Requester.Transport.Config.DefaultCommand", "GET", None),
        ("Requester.Transport.Config.InvokerControllerMapping.OtoboZnunyEvents.Command", "GET", "method GET"),
        ("Requester.Transport.Config.InvokerControllerMapping.OtoboZnunyEvents.Controller", "/e/:TicketID", "placeh"),
        ("Requester.Transport.Config.ContentType", "FORM", "ContentType 'FORM'"),
        ("Requester.Transport.Config.Proxy", {"UseProxy": "Yes", "ProxyHost": "http://p:3128"}, "proxy"),
        ("Requester.Transport.Type", "HTTP::SOAP", "transport 'HTTP::SOAP'"),
        ("Requester.ErrorHandling.RetryOnFailure.Type", "Other", "of type 'Other' is not emulated"),
        ("Requester.Transport.Config.Timeout", "-5", "negative Timeout"),
        ("Requester.Transport.Config.Timeout", "inf", "Timeout must be a number"),
        ("Requester.ErrorHandling.RetryOnFailure.RetryIntervalMax", "inf", "RetryIntervalMax must be a number"),
        ("Requester.ErrorHandling.RetryOnFailure.RetryPeriodMax", "1e400", "RetryPeriodMax must be a number"),
        ("Requester.ErrorHandling.RetryOnFailure.RetryIntervalStart", "nan", "RetryIntervalStart must be a number"),
    ],
)
def test_what_the_emulator_cannot_reproduce_is_refused_at_load(path: str, value: Any, message: str | None) -> None:
    document = _edit(path, value)
    if message is None:  # the invoker's Command (POST) wins over DefaultCommand
        assert webservice_from_config("Events", document).requester is not None
        return
    with pytest.raises(ValueError, match=message):
        webservice_from_config("Events", document)
