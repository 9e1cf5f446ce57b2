from django.urls import path

from coverage_app import views

urlpatterns = [
    path("", views.home, name="home"),
    path("policy/", views.policy_detail, name="policy_detail"),
]
