"""The shared API layer: one error format, API key authentication and the whoami endpoint."""
