"""GenericInterface JSON: the one layer between the domain models and the wire.

* ``keys``: the declared key tables (which wire key carries which domain field, and how it is read);
* ``requests``: TicketCreate, TicketUpdate and TicketGet parameters, credentials;
* ``search``: the TicketSearch vocabulary and request;
* ``replies``: TicketGet and TicketHistoryGet replies read in one pass into the domain models;
* ``values``: scalar conventions (server times, epochs, 1/0 booleans);
* ``shapes``: the reply shapes of the other operations, and the wire models of the compatibility layer;
* ``mapping``: all of the above under its earlier single name.
"""
