"""Scoped reads of the breaches app, one module per area (``requests``, ``register``, ``sanctions``)."""
