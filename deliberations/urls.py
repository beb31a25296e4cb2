app_name = "deliberations"
urlpatterns: list = []
