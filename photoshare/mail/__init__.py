"""Outgoing mail: an SMTP or console transport behind an outbox that sends off the request's path."""
