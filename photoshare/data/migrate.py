"""Applies migrations/NNNN_*.sql in order, each in its own transaction, with checksums."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg

from photoshare.config import PROJECT_ROOT
from photoshare.data.queries import fetch_records, load
from photoshare.errors import MigrationChanged
from photoshare.models import AppliedMigration

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
migration_queries = load("migrations")


@dataclass(frozen=True)
class MigrationFile:
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text()

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class MigrationStatus:
    name: str
    state: str  # "applied", "pending" or "changed"
    applied_at: object = None


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[MigrationFile]:
    """The migration files, in the order of their number."""
    return [MigrationFile(p.name, p) for p in sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))]


def _applied(conn: psycopg.Connection) -> dict[str, AppliedMigration]:
    migration_queries.create_migrations_table(conn)
    return {m.name: m for m in fetch_records(conn, migration_queries.list_applied_migrations, AppliedMigration)}


def status(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[MigrationStatus]:
    """Each migration file with whether it is applied, pending or changed since it was applied."""
    applied = _applied(conn)
    result = []
    for mf in migration_files(directory):
        done = applied.get(mf.name)
        if done is None:
            result.append(MigrationStatus(mf.name, "pending"))
        elif done.checksum != mf.checksum:
            result.append(MigrationStatus(mf.name, "changed", done.applied_at))
        else:
            result.append(MigrationStatus(mf.name, "applied", done.applied_at))
    return result


def upgrade(conninfo: str, directory: Path = MIGRATIONS_DIR, log=print) -> list[str]:
    """Apply pending migrations; refuse if an applied file changed. Returns the names applied."""
    applied_now = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        migration_queries.lock_migrations(conn)
        try:
            states = status(conn, directory)
            changed = [s.name for s in states if s.state == "changed"]
            if changed:
                raise MigrationChanged(f"applied migrations were edited afterwards: {', '.join(changed)}")
            files = {mf.name: mf for mf in migration_files(directory)}
            for st in states:
                if st.state != "pending":
                    continue
                mf = files[st.name]
                notices: list[str] = []

                # A migration says what it did to existing rows with RAISE NOTICE: the operator reads it.
                # Read inside the handler: psycopg's notice object is valid only there.
                def keep(notice, notices=notices):
                    notices.append(f"  {(notice.severity_nonlocalized or 'notice').lower()}: {notice.message_primary}")

                conn.add_notice_handler(keep)
                try:
                    with conn.transaction():
                        conn.execute(mf.sql)
                        migration_queries.insert_applied_migration(conn, name=mf.name, checksum=mf.checksum)
                finally:
                    conn.remove_notice_handler(keep)
                applied_now.append(mf.name)
                log(f"applied {mf.name}")
                for line in notices:
                    log(line)
        finally:
            migration_queries.unlock_migrations(conn)
    return applied_now
