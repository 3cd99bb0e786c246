import Foundation
import GuichetDomain
import Vapor

/// One message as both sides read it.
struct MessageLine: Encodable {
    let at: String
    let who: String
    let fromInstruction: Bool
    let body: String
    let attachments: [AttachmentLine]

    /// - Parameter attachmentURL: where each side downloads a message's file.
    init(_ model: DossierMessageModel, attachmentURL: (UUID) -> String) {
        at = ParisTime.longDateTime(model.createdAt)
        fromInstruction = model.side == Correspondence.Side.instruction.rawValue
        who = fromInstruction ? "Instruction — \(model.author.displayName)" : "Porteur — \(model.author.displayName)"
        body = model.body
        attachments = model.attachments.map { file in
            AttachmentLine(
                name: file.fileName, size: ByteSize.french(Int(file.sizeBytes)), url: attachmentURL(file.id ?? UUID()),
                scan: file.scanStatus == "clean" ? "analysé, sans virus" : "non analysé (aucun antivirus installé)")
        }
    }
}

/// The applicant's page of the conversation with the instruction.
struct MessagesPage: Encodable {
    let chrome: Chrome
    let title: String
    let number: String
    let dossierURL: String
    let thread: [MessageLine]
    let sendURL: String?
    let body: String
    let error: String?
    let csrf: String
    let maxLength: Int

    init(_ req: Request, dossier: DossierModel, messages: [DossierMessageModel], body: String, error: String?) throws {
        let id = try dossier.requireID()
        chrome = .make(req)
        title = dossier.title.isEmpty ? "Dossier sans titre" : dossier.title
        number = dossier.number ?? ""
        dossierURL = SiteURL.dossier(id).path
        thread = messages.map { MessageLine($0) { SiteURL.messageAttachment(dossier: id, attachment: $0).path } }
        let status = DossierStatus(rawValue: dossier.status) ?? .draft
        sendURL =
            (try? Correspondence.checkCanWrite(.applicant, status: status)) == nil
            ? nil : SiteURL.dossierMessages(id).path
        self.body = body
        self.error = error
        csrf = chrome.csrf ?? ""
        maxLength = Correspondence.maxLength
    }
}

/// The part of the staff dossier page an instruction team shares: the conversation with the
/// applicant, labels, internal notes (hidden from a recused person).
struct TeamworkSection: Encodable {
    struct Note: Encodable {
        let at: String
        let author: String
        let body: String
    }

    let messages: [MessageLine]
    let sendURL: String
    let labels: [String]
    let labelURL: String
    let labelRemovalURL: String
    let notes: [Note]
    let notesHidden: Bool
    let annotationURL: String
    let maxLength: Int

    init(
        dossierID id: UUID, messages: [DossierMessageModel], labels: [String], notes: [DossierAnnotationModel],
        conflicted: Bool
    ) {
        self.messages = messages.map {
            MessageLine($0) { SiteURL.staffMessageAttachment(dossier: id, attachment: $0).path }
        }
        sendURL = SiteURL.staffMessages(id).path
        self.labels = labels
        labelURL = SiteURL.staffLabels(id).path
        labelRemovalURL = SiteURL.staffLabelRemoval(id).path
        self.notes =
            conflicted
            ? []
            : notes.map { Note(at: ParisTime.longDateTime($0.createdAt), author: $0.author.displayName, body: $0.body) }
        notesHidden = conflicted
        annotationURL = SiteURL.staffAnnotations(id).path
        maxLength = Correspondence.maxLength
    }
}
