"""The GenericInterface operations of the emulator, one module per operation family.

Each operation is a function ``(helpdesk, params) -> reply dict`` that raises
:class:`~otobo_znuny.emulator.wire.OperationError` for business errors.
"""
