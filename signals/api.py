"""The signals API (issue 13 items 3 and 6): the team's review tasks (list, detail, record the outcome) and feed
uploads (one endpoint, the feed named in the request; all or nothing, a 400 naming row and column). Person-level:
the receiving organisation's safeguarding users only (the models' `Access`; every other role 403, another
provider's record 404). NHS numbers appear masked only; opening a task is logged (core.audit.log_access)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api_versioning import VersionedAutoSchema, VersionedViewSetMixin
from core.audit import log_access
from core.choices import JobStatus
from core.scoping import VIEW
from signals import actions, imports
from signals.choices import Feed, Outcome, Owner
from signals.models import SAFEGUARDING_USERS, FeedUpload, ReviewTask, SignalRule, TaskEvidence
from signals.views import evidence_row, import_jobs


class TaskSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()

    class Meta:
        model = ReviewTask
        fields = [
            "id",
            "signal",
            "subject",
            "owners",
            "opened_on",
            "due_on",
            "window_start",
            "window_end",
            "status",
            "outcome",
            "outcome_notes",
            "completed_on",
        ]
        read_only_fields = fields

    def get_subject(self, obj) -> str:
        """The child's masked NHS number, or the household key."""
        return obj.child.masked_nhs_number if obj.child_id else obj.household.key


class TaskDetailSerializer(TaskSerializer):
    evidence = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "evidence"]
        read_only_fields = fields

    def get_evidence(self, obj) -> list[dict]:
        rows = TaskEvidence.objects.filter(task=obj).select_related(
            "attendance", "notification", "missed_appointment", "flag"
        )
        return sorted(
            (
                {"date": day, "what": what, "detail": detail, "added_later": later}
                for day, what, detail, later in map(evidence_row, rows)
            ),
            key=lambda row: row["date"],
        )


class OutcomePayload(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    completed_on = serializers.DateField(required=False)
    referral = serializers.DictField(
        required=False, help_text="For a referral: local_authority (id), referred_by, category, route..."
    )


class ReviewTaskViewSet(
    VersionedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = ReviewTask.objects.all()
    serializer_class = TaskSerializer
    http_method_names = ["get", "post", "head", "options"]  # read, and record the outcome (POST …/outcome/)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .restrict(self.request.user, VIEW)
            .select_related("child", "household")
            .order_by("due_on", "opened_on", "pk")
        )

    def get_serializer_class(self):
        return TaskDetailSerializer if self.action == "retrieve" else TaskSerializer

    def retrieve(self, request, *args, **kwargs):
        task = self.get_object()
        log_access(request.user, task, how="api", remote_addr=request.META.get("REMOTE_ADDR"))
        return Response(self.get_serializer(task).data)

    @extend_schema(request=OutcomePayload, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record the outcome of the review (a referral also opens the casework referral and its clocks)."""
        task = self.get_object()
        payload = OutcomePayload(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        referral = data.pop("referral", None)
        if referral and "local_authority" in referral:
            from organisations.models import Organisation

            referral["local_authority"] = Organisation.objects.filter(
                pk=referral["local_authority"], icb_id=task.organisation.icb_id, kind="local_authority"
            ).first()
        task = actions.do_record_outcome(task, acting_user=request.user, referral=referral, **data)
        return Response(TaskSerializer(task).data)


class UploadSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    feed = serializers.ChoiceField(choices=Feed.choices)

    class Meta:
        model = FeedUpload
        fields = ["id", "feed", "file", "file_name", "uploaded_at", "rows", "new_records", "already_held"]
        read_only_fields = ["id", "file_name", "uploaded_at", "rows", "new_records", "already_held"]


class UploadJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    feed = serializers.ChoiceField(choices=Feed.choices)
    file_name = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "refused", "failed"])
    url = serializers.CharField(help_text="Poll this until the status is done, refused or failed.")
    page = serializers.CharField(help_text="The job's page for a person.")
    upload = serializers.IntegerField(allow_null=True, help_text="The FeedUpload, once imported.")
    rows = serializers.IntegerField(allow_null=True)
    new_records = serializers.IntegerField(allow_null=True)
    already_held = serializers.IntegerField(allow_null=True)
    file = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Refused: the import report (row and column)."
    )


class FeedUploadViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """POST a CSV or XLSX extract of one feed (multipart: `feed`, `file`): imported all or nothing (a 400 naming
    row and column), then the rules are evaluated."""

    queryset = FeedUpload.objects.all()
    serializer_class = UploadSerializer
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, VIEW)

    @extend_schema(
        responses={201: UploadSerializer, 202: UploadJobSerializer},
        description="A file of more than SIGNALS_IMPORT_JOB_ROWS rows is imported by a stored job: the answer is 202 "
        "with the job's id and the URL to poll (GET …/uploads/jobs/<id>/).",
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload, user = serializer.validated_data["file"], request.user
        if imports.goes_to_job(upload, upload.name):
            job = imports.enqueue_import(
                organisation=user.organisation,
                feed=serializer.validated_data["feed"],
                upload=upload,
                name=upload.name,
                acting_user=user,
            )
            return Response(job_data(job, request), status=status.HTTP_202_ACCEPTED)
        record = imports.do_import(
            organisation=user.organisation,
            feed=serializer.validated_data["feed"],
            upload=upload,
            name=upload.name,
            acting_user=user,
        )
        actions.do_evaluate(user.organisation, acting_user=user)
        return Response(UploadSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=UploadJobSerializer)
    @action(detail=False, methods=["get"], url_path=r"jobs/(?P<job_id>[0-9]+)", url_name="job")
    def job(self, request, job_id=None):
        """A large file's import job: queued, running, done (the counts), refused (`file`: the import report, nothing
        stored) or failed."""
        job = import_jobs(request.user).filter(pk=job_id).first()
        if job is None:
            raise NotFound("Not found, or not yours to see.")
        return Response(job_data(job, request))


def job_data(job, request):
    result = job.result if job.status == JobStatus.DONE else {}
    refused = "refused" in result
    data = {
        "id": job.pk,
        "feed": job.payload["feed"],
        "file_name": job.payload["name"],
        "status": "refused" if refused else job.status,
        "url": reverse("signals-uploads-job", kwargs={"job_id": job.pk}),
        "page": reverse("signals:upload-job", args=[job.pk]),
        "upload": result.get("upload"),
        "rows": result.get("rows"),
        "new_records": result.get("new_records"),
        "already_held": result.get("already_held"),
    }
    if refused:
        data["file"] = result["refused"]
    return data


class RuleSerializer(serializers.ModelSerializer):
    """A signal's settings. `age_bands` (S2 only): [{"from": 0, "to": 5, "owners": ["health_visitor", "gp"]}, ...],
    contiguous from 0 to 18, each with an owner; S2's `owners` follow from them."""

    owners = serializers.ListField(child=serializers.ChoiceField(choices=Owner.choices), required=False)
    age_bands = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        allow_null=True,
        help_text="S2 only: the age bands (from, to: whole years, to not included; owners). Null for other rules.",
    )

    class Meta:
        model = SignalRule
        fields = [
            "id",
            "organisation",
            "signal",
            "enabled",
            "threshold",
            "window_months",
            "timescale",
            "timescale_unit",
            "owners",
            "age_bands",
            "parameters",
            "source",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", "organisation", "signal", "parameters", "source", "version", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        parameters = instance.parameters if isinstance(instance.parameters, dict) else {}
        data["age_bands"] = parameters.get("age_bands") if instance.signal == "S2" else None
        return data

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields) - {"version"})
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class RuleViewSet(
    VersionedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's signal rules: read by every ICB role and the organisation (no child in them), changed
    by the organisation's safeguarding users (PATCH; If-Match guards the version). Bad settings: a 400 naming
    the field (`age_bands` for S2's bands)."""

    queryset = SignalRule.objects.all()
    serializer_class = RuleSerializer
    schema = VersionedAutoSchema()
    http_method_names = ["get", "patch", "put", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if user.is_authenticated and user.role in SAFEGUARDING_USERS:
            actions.ensure_rules(user.organisation)
        return super().get_queryset().restrict(user, VIEW).order_by("organisation_id", "signal")

    def perform_update(self, serializer):
        serializer.instance = actions.do_update_rule(
            serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )


def register(router):
    router.register("signals/tasks", ReviewTaskViewSet, basename="signals-tasks")
    router.register("signals/uploads", FeedUploadViewSet, basename="signals-uploads")
    router.register("signals/rules", RuleViewSet, basename="signals-rules")
