"""Compatibility module (otobo-znuny 1.4 path): ``SafeBaseModel`` is ``otobo_znuny.auth.SecretDumpModel``."""

from otobo_znuny.auth import SecretDumpModel as SafeBaseModel

__all__ = ["SafeBaseModel"]
