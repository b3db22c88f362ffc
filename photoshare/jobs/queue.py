"""The procrastinate app: the tasks register on it, the worker runs it.

Its connector has no settings of its own: the worker gives it a fresh one per run (worker.py).
The web processes never open it; they defer jobs with a named query on their own connection.
"""

import procrastinate

queue = procrastinate.App(connector=procrastinate.PsycopgConnector(), import_paths=["photoshare.jobs.tasks"])
