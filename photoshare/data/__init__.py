"""The database: the connection pool and unit of work, the named queries, the migration runner."""
