app_name = "counseling"

urlpatterns = []
