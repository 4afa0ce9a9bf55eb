from django.urls import path

from smartkampung.aid import views

app_name = "aid"
urlpatterns = [
    path("", views.home, name="home"),
    path("lists/new/", views.upload, name="upload"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/checked.<str:fmt>", views.list_export, name="list_export"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.decide, name="decide"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("check/", views.citizen_check, name="check"),
    path("villages/<str:code>/", views.village_list, name="village_list"),
]
