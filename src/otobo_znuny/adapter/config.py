"""``OTOBOAdapterConfig``: the settings of the OTOBO/Znuny adapter, read from ``SystemConfig.params``.

The password never appears in ``params``: it is read from the environment variable named by
``password_env_var`` or from the file named by ``password_file`` (a Docker/Kubernetes secret), and
kept as a ``SecretStr`` that no repr, log line or error message shows.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from otobo_znuny.adapter.base import SystemConfig
from otobo_znuny.adapter.errors import AdapterConfigurationError
from otobo_znuny.adapter.values import first_problem
from otobo_znuny.auth import BasicAuth
from otobo_znuny.config import ClientConfig, Route, ServerFlavor, TicketOperation

__all__ = ["Layout", "OTOBOAdapterConfig"]

Layout = Literal["generic_ticket", "rest_connector", "ready2adopt"]
"""The web service's route layout: ``generic_ticket`` (every operation ``POST /<Operation>``),
``rest_connector`` (upstream GenericTicketConnectorREST: search is a GET, so no dynamic-field search)
or ``ready2adopt`` (Znuny's REST sample, ``POST /Ticket/Search``)."""

_PRESETS = {
    "generic_ticket": ClientConfig.generic_ticket,
    "rest_connector": ClientConfig.rest_connector,
    "ready2adopt": ClientConfig.ready2adopt,
}
_CLIENT_FIELDS = {
    "base_url": "server_address",
    "webservice_name": "webservice_name",
    "server_timezone": "server_timezone",
    "idempotency_key_field": "idempotency_key_field",
}


_ROUTE_FIELDS = {
    "search_operation_url": TicketOperation.SEARCH,
    "update_operation_url": TicketOperation.UPDATE,
    "get_operation_url": TicketOperation.GET,
    "create_operation_url": TicketOperation.CREATE,
}


def _config_error(field: str, problem: str) -> PydanticCustomError:
    return PydanticCustomError("adapter_config", "{field}: {problem}", {"field": field, "problem": problem})


def _first_problem(error: ValidationError, default_field: str, *, named: bool = True) -> PydanticCustomError:
    """The first problem of a ``ClientConfig`` validation error, named by this model's field."""
    loc, problem = first_problem(error)
    location = str(loc[0]) if loc and named else ""
    return _config_error(_CLIENT_FIELDS.get(location, default_field), problem)


class OTOBOAdapterConfig(BaseModel):
    """Settings of ``OTOBOAdapter``.

    Args:
        server_address: everything before ``/Webservice/``, e.g.
            ``https://helpdesk.example/otrs/nph-genericinterface.pl``.
        webservice_name: the web service's name (default: the layout's usual name).
        layout: the route layout (``generic_ticket``, ``rest_connector``, ``ready2adopt``).
        search_operation_url, update_operation_url, get_operation_url, create_operation_url: the
            route path of one operation when it differs from the layout (``"Ticket/Search"``), or a
            ``Route`` (``{"path": ..., "method": ...}``); a path keeps the layout's HTTP method.
        username: the agent login.
        password_env_var: the environment variable holding the password.
        password_file: a file holding the password (trailing line breaks are ignored); give this
            or ``password_env_var``.
        flavor: ``znuny`` or ``otobo`` (``from_system_config`` takes it from the provider key).
        server_timezone: the server's time zone (naive server times are read in it).
        timeout, connect_timeout: seconds to wait for a reply / for a connection.
        max_retries: retries of failures that are safe to retry.
        verify: TLS verification: True, False, or the path of a CA bundle (file or directory).
        use_session: create one session and reuse it (default) instead of sending the password
            with every request.
        known_dynamic_fields: the server's dynamic fields; when given, queries and data naming other
            fields are refused (the server ignores an unknown field in a search and matches all).
        idempotency_key_field, idempotent_articles: resolve lost replies of ``create_ticket`` and
            ``add_note`` with idempotency keys (``ClientConfig`` fields of the same names;
            ``docs/reliability.md``).

    Raises:
        pydantic.ValidationError: a field is missing or invalid, or the password cannot be read
            (``from_system_config`` turns this into ``AdapterConfigurationError``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    server_address: str
    webservice_name: str | None = None
    layout: Layout = "generic_ticket"
    search_operation_url: str | Route | None = None
    update_operation_url: str | Route | None = None
    get_operation_url: str | Route | None = None
    create_operation_url: str | Route | None = None
    username: str = Field(min_length=1)
    password_env_var: str | None = None
    password_file: Path | None = None
    flavor: ServerFlavor = ServerFlavor.ZNUNY
    server_timezone: str = "UTC"
    timeout: float = Field(default=30.0, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    verify: bool | str = True
    use_session: bool = True
    known_dynamic_fields: list[str] | None = None
    idempotency_key_field: str | None = None
    idempotent_articles: bool = False

    _password: SecretStr = PrivateAttr()
    _client_config: ClientConfig = PrivateAttr()

    @model_validator(mode="after")
    def _resolve(self) -> OTOBOAdapterConfig:
        if isinstance(self.verify, str) and not Path(self.verify).exists():
            raise _config_error("verify", f"the CA bundle {self.verify!r} does not exist")
        if "@" in urlsplit(self.server_address).netloc:  # params are never secrets, and the address is shown
            raise _config_error(
                "server_address",
                "no user or password in the address (params are shown in reprs and errors); the login is "
                "username with password_env_var or password_file",
            )
        if "/Webservice/" in self.server_address:
            raise _config_error(
                "server_address", "ends before '/Webservice/'; give the web service's name in webservice_name"
            )
        self._client_config = self._build_client_config()
        self._password = self._read_password()
        return self

    def _read_password(self) -> SecretStr:
        if (self.password_env_var is None) == (self.password_file is None):
            raise _config_error("password_env_var", "give exactly one of password_env_var or password_file")
        if self.password_env_var is not None:
            value = os.environ.get(self.password_env_var, "")
            if not value:
                raise _config_error(
                    "password_env_var", f"the environment variable {self.password_env_var!r} is not set or empty"
                )
            return SecretStr(value)
        assert self.password_file is not None
        try:
            value = self.password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise _config_error("password_file", f"cannot read {str(self.password_file)!r}: {reason}") from None
        if not value:
            raise _config_error("password_file", f"{str(self.password_file)!r} is empty")
        return SecretStr(value)

    def _build_client_config(self) -> ClientConfig:
        options: dict[str, Any] = {"flavor": self.flavor, "server_timezone": self.server_timezone}
        if self.webservice_name is not None:
            options["webservice_name"] = self.webservice_name
        try:
            preset = _PRESETS[self.layout](self.server_address, **options)
        except ValidationError as error:
            raise _first_problem(error, "layout") from None
        routes = dict(preset.operation_url_map)
        for field, operation in _ROUTE_FIELDS.items():
            override = getattr(self, field)
            if override is None:
                continue
            route = override if isinstance(override, Route) else Route(path=override, method=routes[operation].method)
            try:
                ClientConfig(
                    base_url=preset.base_url,
                    webservice_name=preset.webservice_name,
                    operation_url_map={operation: route},
                )
            except ValidationError as error:
                raise _first_problem(error, field, named=False) from None
            routes[operation] = route
        keys = {"idempotency_key_field": self.idempotency_key_field, "idempotent_articles": self.idempotent_articles}
        try:  # validated with the final routes: the key search needs a TicketSearch route with a body
            return ClientConfig(**{**dict(preset), "operation_url_map": routes, **keys})
        except ValidationError as error:
            field = "idempotency_key_field" if self.idempotency_key_field else "idempotent_articles"
            raise _first_problem(error, field) from None

    @classmethod
    def from_system_config(cls, config: SystemConfig) -> OTOBOAdapterConfig:
        """Parse ``config.params``; ``flavor`` defaults to the provider key when it is ``otobo``/``znuny``.

        Raises:
            AdapterConfigurationError: missing or invalid fields, a password given in ``params``, or
                an unreadable password; ``problems`` names each field.
        """
        params = dict(config.params)
        if "password" in params:
            raise AdapterConfigurationError(
                config.id, {"password": "never put the password in params; set password_env_var or password_file"}
            )
        if config.provider_key.lower() in ("otobo", "znuny"):
            params.setdefault("flavor", config.provider_key.lower())
        try:
            return cls(**params)
        except ValidationError as error:
            problems: dict[str, str] = {}
            for item in error.errors():
                context = item.get("ctx") or {}
                if item["type"] == "adapter_config":
                    problems[str(context["field"])] = str(context["problem"])
                    continue
                field = str(item["loc"][0]) if item["loc"] else "params"
                message = "required" if item["type"] == "missing" else str(item["msg"])
                if item["type"] == "extra_forbidden":
                    message = "unknown setting"
                # a union (str | Route) reports one error per member: keep them all
                problems[field] = f"{problems[field]}; {message}" if field in problems else message
            raise AdapterConfigurationError(config.id, problems) from None

    # ---- what the adapter needs ------------------------------------------------------------------

    def password(self) -> SecretStr:
        """The password (a ``SecretStr``; call ``get_secret_value()`` only to send it)."""
        return self._password

    def client_config(self) -> ClientConfig:
        """The ``ClientConfig`` of this web service."""
        return self._client_config

    def auth(self) -> BasicAuth:
        """The agent credentials."""
        return BasicAuth(user_login=self.username, password=self._password)

    def tls_verify(self) -> bool | ssl.SSLContext:
        """``verify`` for httpx: a bool, or an SSL context trusting the CA bundle (file or directory).

        Raises:
            OSError: the CA bundle cannot be read.
        """
        if isinstance(self.verify, bool):
            return self.verify
        if Path(self.verify).is_dir():
            return ssl.create_default_context(capath=self.verify)
        return ssl.create_default_context(cafile=self.verify)

    def http_timeout(self) -> httpx.Timeout:
        """``timeout`` for reading/writing/pooling, ``connect_timeout`` for connecting."""
        return httpx.Timeout(self.timeout, connect=self.connect_timeout)
