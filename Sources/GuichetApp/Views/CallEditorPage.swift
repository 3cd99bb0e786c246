import Foundation
import GuichetDomain
import Vapor

/// The call editor: every part of a call's definition as plain HTML forms (one per section, no
/// JavaScript), each error next to the input it concerns, the lifecycle's buttons and previews.
struct CallEditorPage: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Input: Encodable {
        let name: String
        let id: String
        let label: String
        /// `text`, `textarea`, `select`, `checkbox`, `date`.
        let kind: String
        let value: String
        let checked: Bool
        let options: [Option]
        let help: String?
        var error: String?
        let wide: Bool
    }

    struct Group: Encodable {
        let id: String
        let legend: String
        var inputs: [Input]
        /// The checkbox that removes the row, if the row can be removed.
        let removeName: String?
        var errors: [String]
        let path: String
    }

    struct Section: Encodable {
        let id: String
        let anchor: String
        let title: String
        let action: String
        let help: String?
        var groups: [Group]
        var errors: [String]
        let open: Bool
    }

    struct IssueLink: Encodable {
        let href: String
        let message: String
    }

    struct Event: Encodable {
        let at: String
        let who: String
        let what: String
        let detail: [String]
    }

    let chrome: Chrome
    let csrf: String
    let title: String
    let reference: String
    let status: String
    let phase: String
    let sections: [Section]
    let errors: [IssueLink]
    let previewURL: String
    let formPreviewURL: String
    let publishURL: String?
    let archiveURL: String?
    let listURL: String
    let history: [Event]
    let simulated: Bool

    /// - Parameters:
    ///   - definition: what to show: the stored call, or what was just posted and refused.
    ///   - typed: what was typed where the definition cannot hold it (an amount that is not one).
    ///   - issues: the errors to place next to their inputs.
    init(
        _ req: Request, model: CallModel, definition: CallDefinition, typed: [String: String],
        issues: [CallDefinitionIssue],
        failed: CallEditorSection?, history: [AuditEntryModel], now: Date
    ) {
        chrome = .make(req)
        csrf = CSRFMiddleware.token(for: req)
        title = definition.title
        reference = model.reference
        simulated = model.simulated
        let status = model.callStatus
        self.status = status.label
        phase = CallPhase(status: status, opensAt: model.opensAt, closesAt: model.closesAt, now: now).label
        let reference = model.reference
        previewURL = SiteURL.adminCallPreview(reference).path
        formPreviewURL = SiteURL.adminCallFormPreview(reference).path
        publishURL = status == .draft ? SiteURL.adminCallPublication(reference).path : nil
        archiveURL = status == .published && now >= model.closesAt ? SiteURL.adminCallArchiving(reference).path : nil
        listURL = SiteURL.adminCalls.path
        let builder = CallEditorBuilder(definition: definition, typed: typed)
        var sections = CallEditorSection.allCases.map { section in
            Section(
                id: section.rawValue, anchor: "#" + section.rawValue, title: section.title,
                action: SiteURL.adminCallSection(reference, section.rawValue).path, help: builder.help(section),
                groups: builder.groups(section), errors: [],
                open: failed == section || failed == nil && section == .general)
        }
        var links: [IssueLink] = []
        for issue in issues {
            let name = CallEditorForm.name(issue.path)
            let home = CallEditorSection.of(path: issue.path)
            let s =
                failed == .json
                ? sections.count - 1 : (sections.firstIndex { $0.id == home.rawValue } ?? sections.count - 1)
            if let (g, i) = Self.input(named: name, in: sections[s]) {
                sections[s].groups[g].inputs[i].error = [
                    sections[s].groups[g].inputs[i].error, Self.capitalised(issue.message),
                ]
                .compactMap { $0 }.joined(separator: " ")
                links.append(IssueLink(href: "#" + sections[s].groups[g].inputs[i].id, message: issue.description))
            } else if let g = Self.group(for: issue.path, in: sections[s]) {
                sections[s].groups[g].errors.append(issue.description)
                links.append(IssueLink(href: "#" + sections[s].groups[g].id, message: issue.description))
            } else {
                sections[s].errors.append(issue.description)
                links.append(IssueLink(href: "#" + sections[s].id, message: issue.description))
            }
        }
        self.sections = sections
        errors = links
        self.history = history.map { entry in
            Event(
                at: ParisTime.longDateTime(entry.at), who: entry.actorName, what: Self.action(entry.action),
                detail: (entry.reason ?? "").split(whereSeparator: \.isNewline).map(String.init))
        }
    }

    private static func input(named name: String, in section: Section) -> (Int, Int)? {
        for (g, group) in section.groups.enumerated() {
            if let i = group.inputs.firstIndex(where: { $0.name == name }) { return (g, i) }
        }
        // `territory_order[2]` belongs to the `territory_order` input; `form.fields[3].levels` to its first box.
        for (g, group) in section.groups.enumerated() {
            if let i = group.inputs.firstIndex(where: { name.hasPrefix($0.name + ".") }) { return (g, i) }
        }
        return nil
    }

    private static func group(for path: String, in section: Section) -> Int? {
        section.groups.enumerated().filter {
            !$0.element.path.isEmpty
                && (path == $0.element.path || path.hasPrefix($0.element.path + ".")
                    || path.hasPrefix($0.element.path + "["))
        }
        .max { $0.element.path.count < $1.element.path.count }?.offset
    }

    static func capitalised(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    static func action(_ code: String) -> String {
        switch code {
        case "create_call": "Création"
        case "amend_call": "Modification"
        case "publish_call": "Publication"
        case "archive_call": "Archivage"
        default: code
        }
    }
}
