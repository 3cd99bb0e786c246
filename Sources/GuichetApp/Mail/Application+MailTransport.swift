import Foundation
import Vapor

extension Application {
    /// How mail leaves: SMTP when `GUICHET_SMTP_URL` is set, `.eml` files in `<data>/mail/`
    /// otherwise. Chosen once by `configure`.
    var mailTransport: any MailTransport {
        get {
            storage[MailTransportKey.self] ?? EMLFileTransport(directory: guichetConfiguration.dataDirectory + "/mail")
        }
        set { storage[MailTransportKey.self] = newValue }
    }

    /// The transport `config` asks for.
    /// - Throws: ``SMTPConfigurationError`` when `smtpURL` cannot be used, so that the server
    ///   refuses to start rather than failing at the first email.
    static func makeMailTransport(_ config: AppConfiguration, group: any EventLoopGroup) throws -> any MailTransport {
        guard let url = config.smtpURL else { return EMLFileTransport(directory: config.dataDirectory + "/mail") }
        let smtp = try SMTPConfiguration(
            url: url, defaultEHLOName: SMTPConfiguration.ehloName(forPublicURL: config.publicURL))
        return try SMTPTransport(configuration: smtp, group: group)
    }
}

private struct MailTransportKey: StorageKey {
    typealias Value = any MailTransport
}
