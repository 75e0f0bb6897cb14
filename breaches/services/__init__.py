"""Every write of the breaches app, one module per area so each stays short:

- ``requests``: breach requests, DCS / chief executive sign-off, regional decisions;
- ``register``: the breach register (recorded and system-suggested breaches);
- ``sanctions``: sanction policies, sanctions and the training fund ledger.
"""
