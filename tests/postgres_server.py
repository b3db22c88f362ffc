"""Where bench/ imports the throwaway PostgreSQL from; it lives in tests.support.postgres_server."""

from tests.support.postgres_server import start_postgresql, stop_postgresql

__all__ = ["start_postgresql", "stop_postgresql"]
