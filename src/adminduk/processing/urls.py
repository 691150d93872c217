from django.urls import path

from . import views

app_name = "processing"
urlpatterns = [
    path("adjudikasi/", views.case_list, name="case_list"),
    path("adjudikasi/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("adjudikasi/luar-domisili/<uuid:review_id>/", views.outside_home_detail, name="outside_home_detail"),
    path("adjudikasi/<uuid:case_id>/<str:side>/<str:part>/", views.capture_image, name="capture_image"),
]
