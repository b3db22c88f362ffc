-- name: defer_job$
-- Queue a job for the worker, in the caller's transaction: it exists if and only if the write that
-- needs it commits. procrastinate's own defer function (migrations/0012_job_queue.sql), with its
-- defaults: priority 0, no lock, no queueing lock, run as soon as possible. Returns the job's id.
SELECT (procrastinate_defer_jobs_v1(ARRAY[
    ROW(:queue, :task_name, 0, NULL, NULL, :args, NULL)::procrastinate_job_to_defer_v1]))[1];
