"""Tests that drive the app through the Flask test client."""
