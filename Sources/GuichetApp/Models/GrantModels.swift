import Fluent
import Foundation
import GuichetDomain

/// A retained dossier's grant act (`grant_acts`, ``CreateGrants``): frozen when generated.
final class GrantActModel: Model, @unchecked Sendable {
    static let schema = "grant_acts"

    /// How an act was signed.
    enum SignedHow: String {
        /// Accepted by a representative of the organisation in its space.
        case accepted
        /// The signed copy recorded by staff.
        case uploaded
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "dossier_id") var dossierID: UUID
    @Field(key: "call_id") var callID: UUID
    /// A ``GuichetDomain/GrantActKind`` raw value.
    @Field(key: "kind") var kind: String
    @Field(key: "number") var number: String
    @Field(key: "amount_cents") var amountCents: Int64
    /// The envelope drawn on (``GuichetDomain/Envelope/drawCode``) and the wave that decided: the
    /// ledger's keys for what is paid and claimed back.
    @Field(key: "draw_code") var drawCode: String
    @Field(key: "wave") var wave: Int
    /// The ``GuichetDomain/GrantActDocument`` as JSON.
    @Field(key: "document") var document: String
    @Field(key: "report_due_on") var reportDueOn: Date
    @Field(key: "generated_at") var generatedAt: Date
    /// Who generated it (display name).
    @Field(key: "generated_by") var generatedBy: String
    @OptionalField(key: "signed_at") var signedAt: Date?
    /// A ``SignedHow`` raw value.
    @OptionalField(key: "signed_how") var signedHow: String?
    @OptionalField(key: "signed_by") var signedBy: String?
    @OptionalField(key: "signed_file_sha256") var signedFileSHA256: String?
    @OptionalField(key: "signed_file_name") var signedFileName: String?
    @Field(key: "simulated") var simulated: Bool
    /// When the organisation was reminded that its financial report is due soon, and that it is late.
    @OptionalField(key: "reminded_before_at") var remindedBeforeAt: Date?
    @OptionalField(key: "reminded_after_at") var remindedAfterAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $dossierID, $callID, $kind, $number, $amountCents, $drawCode, $wave, $document, $reportDueOn,
            $generatedAt, $generatedBy, $signedAt, $signedHow, $signedBy, $signedFileSHA256, $signedFileName,
            $simulated, $remindedBeforeAt, $remindedAfterAt,
        ]
    }

    init() {}

    var actKind: GrantActKind { GrantActKind(rawValue: kind) ?? .arrete }

    /// The frozen document.
    func decodedDocument() throws -> GrantActDocument {
        try JSONDecoder().decode(GrantActDocument.self, from: Data(document.utf8))
    }
}

/// One instalment of an act's schedule (`grant_instalments`).
final class GrantInstalmentModel: Model, @unchecked Sendable {
    static let schema = "grant_instalments"

    @ID(key: .id) var id: UUID?
    @Field(key: "act_id") var actID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "label") var label: String
    @Field(key: "amount_cents") var amountCents: Int64
    /// `act_signed`, `from` (with ``fromDay``) or `report_validated`.
    @Field(key: "condition") var condition: String
    @OptionalField(key: "from_day") var fromDay: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $actID, $position, $label, $amountCents, $condition, $fromDay] }

    init() {}

    init(actID: UUID, position: Int, instalment: Instalment) {
        self.actID = actID
        self.position = position
        label = instalment.label
        amountCents = instalment.amount.cents
        switch instalment.condition {
        case .actSigned: condition = "act_signed"
        case .from(let day):
            condition = "from"
            fromDay = day
        case .reportValidated: condition = "report_validated"
        }
    }

    /// The domain's instalment.
    func instalment() throws -> Instalment {
        let release: ReleaseCondition =
            switch condition {
            case "from": .from(fromDay ?? .distantPast)
            case "report_validated": .reportValidated
            default: .actSigned
            }
        return Instalment(label: label, amount: try Money(cents: amountCents), condition: release)
    }
}

/// A payment or a recovery recorded against an act (`grant_movements`).
final class GrantMovementModel: Model, @unchecked Sendable {
    static let schema = "grant_movements"

    enum Kind: String {
        case payment, recovery
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "act_id") var actID: UUID
    @Field(key: "dossier_id") var dossierID: UUID
    @Field(key: "call_id") var callID: UUID
    /// A ``Kind`` raw value.
    @Field(key: "kind") var kind: String
    /// The day (start of the day in Paris).
    @Field(key: "day") var day: Date
    @Field(key: "amount_cents") var amountCents: Int64
    /// The accounting reference as typed (mandate or *titre de recette* number).
    @Field(key: "reference") var reference: String
    /// The reference with spaces folded and letters lowercased: unique per act and kind.
    @Field(key: "reference_key") var referenceKey: String
    @Field(key: "recorded_at") var recordedAt: Date
    /// Who recorded it (display name).
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "simulated") var simulated: Bool

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $actID, $dossierID, $callID, $kind, $day, $amountCents, $reference, $referenceKey, $recordedAt,
            $recordedBy, $simulated,
        ]
    }

    init() {}

    var movementKind: Kind { Kind(rawValue: kind) ?? .payment }
}

/// A grant's financial report (`grant_reports`, ``CreateGrantReports``).
final class GrantReportModel: Model, @unchecked Sendable {
    static let schema = "grant_reports"

    @ID(key: .id) var id: UUID?
    @Field(key: "act_id") var actID: UUID
    @Field(key: "dossier_id") var dossierID: UUID
    @Field(key: "call_id") var callID: UUID
    /// The ``GuichetDomain/FormDefinition`` answered, as JSON, frozen with the report.
    @Field(key: "form") var form: String
    /// The answers as JSON (``GuichetDomain/FieldValue`` by key).
    @Field(key: "answers") var answers: String
    /// A ``GuichetDomain/FinancialReport/Status`` raw value.
    @Field(key: "status") var status: String
    @OptionalField(key: "spent_cents") var spentCents: Int64?
    @OptionalField(key: "filed_at") var filedAt: Date?
    @OptionalField(key: "correction_message") var correctionMessage: String?
    @OptionalField(key: "correction_due_on") var correctionDueOn: Date?
    @OptionalField(key: "validated_at") var validatedAt: Date?
    @OptionalField(key: "validated_by") var validatedBy: String?
    @Field(key: "simulated") var simulated: Bool
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $actID, $dossierID, $callID, $form, $answers, $status, $spentCents, $filedAt, $correctionMessage,
            $correctionDueOn, $validatedAt, $validatedBy, $simulated, $updatedAt,
        ]
    }

    init() {}

    var reportStatus: FinancialReport.Status { FinancialReport.Status(rawValue: status) ?? .draft }

    func definition() throws -> FormDefinition {
        try JSONDecoder().decode(FormDefinition.self, from: Data(form.utf8))
    }

    func values() throws -> [String: FieldValue] {
        try JSONDecoder().decode([String: FieldValue].self, from: Data(answers.utf8))
    }
}
