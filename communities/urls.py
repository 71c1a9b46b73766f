from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("compounds/<str:code>/", views.compound_detail, name="compound_detail"),
]
