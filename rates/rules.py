"""Who may read and set price caps. Every perm takes the Region as its object, so views, the API,
services and templates ask the same question: ``user.has_perm("rates.manage_ratecard", region)``."""

import rules

from riia.rules import is_programme_manager_of, is_region_member

# Every member of the region: its LAs' staff, its RIIA staff and the MSPs serving its LAs.
rules.add_perm("rates.view_ratecard", is_region_member)
# Only that region's programme manager drafts, publishes and discards rate cards ...
rules.add_perm("rates.manage_ratecard", is_programme_manager_of)
# ... and records or revokes exemptions for the region's LAs.
rules.add_perm("rates.manage_exemption", is_programme_manager_of)
