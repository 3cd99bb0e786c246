import Vapor

/// Registers every route; the paths come from ``SiteURL``.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: MetricsController())
    try app.register(collection: ResultsController())
    try app.register(collection: LegalPagesController())
    try app.register(collection: CallsAPIController())
    try app.register(collection: CallAuthoringController())
    try app.register(collection: AccountController())
    try app.register(collection: OrganisationController())
    try app.register(collection: ApplicationController())
    try app.register(collection: InstructionController())
    try app.register(collection: GrantController())
    try app.register(collection: InstructionQueueController())
    try app.register(collection: ConflictOfInterestController())
    try app.register(collection: ExpertController())
    try app.register(collection: CorrespondenceController())
    try app.register(collection: TeamworkController())
    try app.register(collection: AdminController())
    try app.register(collection: PublicationController())
    try app.register(collection: ImportController())
    try app.register(collection: IntegrationController())
    try app.register(collection: StaffAPIController())
    try app.register(collection: CommitteeController())
    try app.register(collection: CommitteeDocumentsController())
    try app.register(collection: ProposalController())
}
