import GuichetDomain
import Vapor

extension Request {
    /// The client's address: the peer's, or behind a trusted proxy the one it forwards
    /// (`GUICHET_TRUSTED_PROXIES`); what login slow-down and request counters are keyed on.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "inconnue"
        let trusted = application.guichetConfiguration.trustedProxies
        guard !trusted.isEmpty else { return peer }
        return NetworkRange.client(peer: peer, forwardedFor: headers[.xForwardedFor], trusted: trusted)
    }
}
