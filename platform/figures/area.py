"""The district figures area: its tabs, the same for every page of it."""

from django.utils.translation import gettext_lazy as _

from figures.access import can_read_figures
from shared.resources import Area, Tab

FIGURES_AREA = Area(
    namespace="figures",
    label=_("District figures"),
    tabs=(
        Tab("dashboard", "figures:dashboard", _("Dashboard"), shown=can_read_figures),
        Tab("violations", "figures:violations", _("Validation rule violations"), shown=can_read_figures),
        Tab("runs", "figures:runs", _("Computation runs"), shown=can_read_figures),
    ),
)


def figures_tabs(request, current: str) -> dict:
    """The tab bar's context (partials/tabs.html) for a function view of the area."""
    return {"area_tabs": FIGURES_AREA.tabs_for(request.user, current), "area_label": FIGURES_AREA.label}
