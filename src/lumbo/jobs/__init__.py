"""Background jobs on an established task queue (huey): video analysis in a worker process.

``settings`` reads where the queue lives (SQLite file in the data directory by default, Redis with
``LUMBO_QUEUE_URL``); ``queue`` builds the huey instance, its tasks and the web app's dispatcher;
``measure`` runs the vision pipeline for a job; the job's lifecycle (claim, progress, finish,
fail, recovery) is :mod:`lumbo.services.video_jobs`.
Nothing here runs at import.
"""
