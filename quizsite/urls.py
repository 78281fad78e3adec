from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "quizsite authoring"
admin.site.site_title = "quizsite"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("quiz.urls")),
    path("", include("quiz.live.urls")),
    path("", include("lessons.urls")),
]
