"""The app's connection pool on the session's database: what each of its sessions is set up with."""

from photoshare.data.db import create_pool


def test_pool_sessions_plan_once_and_keep_the_urls_own_options(database_url, db):
    """Prepared statements get one generic plan, JIT is off, and options in DATABASE_URL still apply."""
    separator = "&" if "?" in database_url else "?"
    pool = create_pool(database_url + separator + "options=-c%20statement_timeout%3D4321")
    try:
        with pool.connection() as conn:
            settings = {name: conn.execute(f"SHOW {name}").fetchone()[0]
                        for name in ("plan_cache_mode", "jit", "statement_timeout")}
    finally:
        pool.close()
    assert settings == {"plan_cache_mode": "force_generic_plan", "jit": "off", "statement_timeout": "4321ms"}
