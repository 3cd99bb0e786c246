import Fluent

/// Every model lists its property wrappers itself (`var properties`), in declaration order,
/// instead of leaving Fluent's default, which walks the instance by reflection at each access —
/// "the most severe performance bottleneck in FluentKit by a huge margin", says its own
/// documentation. Fluent reads the list several times per query (the fields to select, the
/// soft-delete and timestamp columns) and once per row read or written: on the staff dossier
/// page, 24 queries, the walk was 16 % of the CPU (docs/BENCHMARKS.md).
///
/// The cost of listing by hand is that a new wrapper must be added to the list too;
/// `ListedFieldsTests` compares each model's list with the reflection's, and checks that every
/// model class in the sources is named here.
enum ListedFields {
    static let models: [any Fields.Type] = [
        AuditChainModel.self, APITokenModel.self, WebhookEndpointModel.self, WebhookDeliveryModel.self,
        ImportJobModel.self, CallModel.self, ThemeModel.self, ObjectiveModel.self, WaveModel.self,
        CommitteeSessionModel.self, CommitteeMemberModel.self, StagedDecisionModel.self, DossierMessageModel.self,
        MessageAttachmentModel.self, DossierLabelModel.self, DossierAnnotationModel.self, DossierModel.self,
        DecisionModel.self, AuditEntryModel.self, EnvelopeModel.self, EnvelopeRevisionModel.self,
        OrganisationMemberModel.self, OrganisationInvitationModel.self, CallFormModel.self, AttachmentModel.self,
        OrganisationModel.self, PublicationModel.self, PublicationFileModel.self, SessionModel.self,
        StaffScopeModel.self, OpinionModel.self, StaffLinkModel.self, ReviewModel.self, ExpertRequestModel.self,
        UserModel.self, UserTokenModel.self, LoginAttemptModel.self, OutboxMessageModel.self, RateLimitModel.self,
        GrantActModel.self, GrantInstalmentModel.self, GrantMovementModel.self, GrantReportModel.self,
    ]
}
