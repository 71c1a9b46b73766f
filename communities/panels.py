"""Sections that the apps above ``communities`` add to the compound page.

``communities`` imports none of them (architecture §1): an app registers a panel from its
``AppConfig.ready()`` — a template and a function that reads what the template shows — and the
compound page renders the registered panels in order, below the register's own sections. Each
panel's function receives the request and the (visible) compound and must keep to a fixed
number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CompoundPanel:
    name: str
    template: str
    context: Callable  # (request, compound) -> dict, or None to leave the panel out
    order: int = 100


COMPOUND_PANELS: dict[str, CompoundPanel] = {}


def register_compound_panel(panel: CompoundPanel) -> CompoundPanel:
    """Add (or replace, by name) a panel of the compound page."""
    COMPOUND_PANELS[panel.name] = panel
    return panel


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    data: dict


def compound_panels(request, compound) -> list[RenderedPanel]:
    """The panels to show on this compound's page, in order, with what each one shows."""
    shown = []
    for panel in sorted(COMPOUND_PANELS.values(), key=lambda p: (p.order, p.name)):
        data = panel.context(request, compound)
        if data is not None:
            shown.append(RenderedPanel(panel.name, panel.template, data))
    return shown


# The workbench home ------------------------------------------------------------------------
#
# The same for the home page: an app above ``communities`` (the reports' dashboard) registers a
# panel whose function takes the request alone; the home renders the panels above the list of
# compounds.


@dataclass(frozen=True)
class HomePanel:
    name: str
    template: str
    context: Callable  # (request) -> dict, or None to leave the panel out
    order: int = 100


HOME_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> HomePanel:
    """Add (or replace, by name) a panel of the workbench home."""
    HOME_PANELS[panel.name] = panel
    return panel


def home_panels(request) -> list[RenderedPanel]:
    """The panels to show on the user's home, in order, with what each one shows."""
    shown = []
    for panel in sorted(HOME_PANELS.values(), key=lambda p: (p.order, p.name)):
        data = panel.context(request)
        if data is not None:
            shown.append(RenderedPanel(panel.name, panel.template, data))
    return shown
