app_name = "breaches-api"
urlpatterns: list = []
