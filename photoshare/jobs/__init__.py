"""Background work on the job queue (procrastinate, on PostgreSQL): the tasks and the worker that runs them.

The app defers jobs with repositories.JobRepository, inside the transaction of the write that needs
them; `flask --app wsgi worker` runs them (worker.py).
"""
