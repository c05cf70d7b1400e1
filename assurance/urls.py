app_name = "assurance"
urlpatterns = []
