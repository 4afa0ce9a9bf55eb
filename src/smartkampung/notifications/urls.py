from django.urls import path

from smartkampung.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("stream", views.notification_stream, name="notification_stream"),
    path("<int:pk>/ack/", views.acknowledge, name="acknowledge"),
]
