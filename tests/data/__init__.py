"""Tests that talk to PostgreSQL, the media store or the image pipeline directly, not through HTTP."""
