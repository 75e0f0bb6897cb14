"""What waits for each person on their home page. Each app contributes panels through
``HOME_PANEL_PROVIDERS``; a provider returns zero or more panels for the person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class HomeItem:
    text: str
    url: str
    status: str = ""  # a short GOV.UK tag, e.g. "To sign"


@dataclass(frozen=True)
class HomePanel:
    title: str
    items: list[HomeItem] = field(default_factory=list)
    empty_text: str = "Nothing is waiting for you."
    more_url: str = ""
    more_text: str = ""


# Dotted paths to callables ``(user) -> list[HomePanel]``; apps add theirs here as they arrive.
HOME_PANEL_PROVIDERS: list[str] = [
    "breaches.home.panels_for",
    "rates.home.panels_for",
    "casestudies.home.panels_for",
    "datareturns.home.panels_for",
    "datareturns.home.return_panels_for",
    "datareturns.home_dashboards.panels_for",
    "governance.home.panels_for",
    "governance.home.action_panels_for",
]


def home_panels_for(user) -> list[HomePanel]:
    panels: list[HomePanel] = []
    for path in HOME_PANEL_PROVIDERS:
        provider: Callable = import_string(path)
        panels.extend(provider(user))
    return panels
