from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Coverage review: policy administration"
admin.site.site_title = "Coverage review admin"

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("coverage_app.urls")),
]
