"""The exchange pages on a school's host (/exchange/): the same views as the district's; the ones
only district moderators use answer 404 here (exchange.views checks the site and the role)."""

from exchange.urls import urlpatterns as _district

app_name = "exchange"
urlpatterns = list(_district)
