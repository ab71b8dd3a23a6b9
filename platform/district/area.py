"""The district console: its tab bar, shown on each of its pages to whoever may open the tab."""

from django.utils.translation import gettext_lazy as _

from district.access import is_console_admin, is_console_reader, is_reviewer
from shared.resources import Area, Tab

CONSOLE_AREA = Area(
    namespace="district",
    label=_("District console"),
    tabs=(
        Tab("schools", "district:schools", _("Schools"), shown=is_console_reader),
        Tab("accounts", "district:accounts", _("District accounts"), shown=is_console_admin),
        Tab("periods", "figures:periods", _("Terms and school years"), shown=is_console_admin),
        Tab("review", "district:review", _("Review queue"), shown=is_reviewer),
        Tab("audit", "district:audit", _("Audit log"), shown=is_console_reader),
    ),
)


def console_tabs(request, current: str) -> dict:
    return {"area_tabs": CONSOLE_AREA.tabs_for(request.user, current), "area_label": CONSOLE_AREA.label}
