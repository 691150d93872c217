from django.urls import path

from adminduk.accounts import views as account_views

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    # Password plus second factor for staff (adminduk.accounts); the template extends ours.
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("penduduk/cari/", views.resident_search, name="resident_search"),
    path("penduduk/ekspor/", views.resident_export, name="resident_export"),
    path("penduduk/<str:nik>/", views.resident_detail, name="resident_detail"),
    path("penduduk/<str:nik>/ubah/", views.resident_edit, name="resident_edit"),
    path("kk/<str:kk_number>/", views.family_detail, name="family_detail"),
]
