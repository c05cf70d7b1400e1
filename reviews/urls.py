from django.urls import path

from reviews import views
from reviews.models import NonParticipation, SafeguardingEnquiry

app_name = "reviews"
urlpatterns = [
    path("", views.ReviewListView.as_view(), name="list"),
    path("add/", views.ReviewCreateView.as_view(), name="add"),
    path("learning/", views.LearningOverviewView.as_view(), name="learning"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/xlsx/", views.NotificationExportView.as_view(), name="notifications-xlsx"),
    path("contributions/<int:pk>/edit/", views.ContributionUpdateView.as_view(), name="contribution-edit"),
    path("enquiries/", views.EnquiryListView.as_view(), name="enquiries"),
    path("enquiries/xlsx/", views.EnquiryExportView.as_view(), name="enquiries-xlsx"),
    path("enquiries/add/", views.EnquiryCreateView.as_view(), name="enquiry-add"),
    path("enquiries/<int:pk>/edit/", views.EnquiryEditView.as_view(), name="enquiry-edit"),
    path(
        "enquiries/<int:pk>/archive/",
        views.ReviewRecordArchiveView.as_view(model=SafeguardingEnquiry, back="reviews:enquiries"),
        name="enquiry-archive",
    ),
    path("non-participation/xlsx/", views.NonParticipationExportView.as_view(), name="non-participation-xlsx"),
    path("non-participation/<int:pk>/edit/", views.NonParticipationEditView.as_view(), name="non-participation-edit"),
    path(
        "non-participation/<int:pk>/archive/",
        views.ReviewRecordArchiveView.as_view(model=NonParticipation, back="reviews:list"),
        name="non-participation-archive",
    ),
    path("<int:pk>/", views.ReviewDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReviewEditView.as_view(), name="edit"),
    path("<int:pk>/decision/", views.ReviewDecisionView.as_view(), name="decision"),
    path("<int:pk>/archive/", views.ReviewArchiveView.as_view(), name="archive"),
    path("<int:pk>/terms-of-reference/", views.TermsOfReferenceView.as_view(), name="tor"),
    path("<int:pk>/contributions/add/", views.ContributionAddView.as_view(), name="contribution-add"),
    path("<int:pk>/recommendations/add/", views.RecommendationAddView.as_view(), name="recommendation-add"),
    path("<int:pk>/learning/add/", views.LearningAddView.as_view(), name="learning-add"),
    path("<int:pk>/non-participation/add/", views.NonParticipationAddView.as_view(), name="non-participation-add"),
]
