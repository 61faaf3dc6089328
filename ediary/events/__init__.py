"""Live diary changes: a broker that carries committed changes to subscribers.

In-process for a single SQLite server; PostgreSQL LISTEN/NOTIFY when several server
processes share a PostgreSQL database, so a change committed in one reaches all.
"""

from ediary.events.broker import Broker, LocalBroker, make_broker

__all__ = ["Broker", "LocalBroker", "make_broker"]
