"""Backup and restore of the database and the photo folder: the archive, each backend's copy, the jobs."""
