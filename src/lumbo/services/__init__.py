"""Service functions shared by every entry point (CLI, web, jobs)."""
