import Foundation
import GuichetDomain
import Vapor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves a webhook's host and checks every address it leads to (``WebhookTarget``), when the
/// endpoint is created and again before every delivery (an address can change meanwhile).
///
/// Resolution runs on the thread pool (`getaddrinfo` blocks). What is checked is what the system
/// resolves at that moment; the HTTP client resolves again when it connects, so a host that
/// changes its answer within that instant is the limit of this check (documented in SECURITY.md).
struct WebhookAddresses: Sendable {
    typealias Resolver = @Sendable (String) async throws -> [String]

    let resolve: Resolver
    let allowPrivate: Bool

    /// A checked destination: the URL's host, and the address the check approved — the one a
    /// delivery connects to, so that the host is never resolved again between the check and the
    /// connection (a DNS answer that changes in that instant cannot lead elsewhere).
    struct Checked: Sendable, Equatable {
        let host: String
        let address: String
    }

    /// Checks a URL's host; returns the address to connect to.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `url`.
    @discardableResult
    func check(_ url: String) async throws -> Checked {
        guard let host = URL(string: url)?.host, !host.isEmpty else {
            throw DomainError.invalidForm(errors: [
                "url": "Indiquez l'adresse complète du point de réception (https://…)."
            ])
        }
        let literal =
            WebhookTarget.isPublic(host) || host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." })
        let addresses = literal ? [host] : ((try? await resolve(host)) ?? [])
        try WebhookTarget.check(host: host, addresses: addresses, allowPrivate: allowPrivate)
        return Checked(host: host, address: addresses[0])
    }

    /// The system's resolver, off the event loop.
    static func system(_ pool: NIOThreadPool) -> Resolver {
        { host in
            try await pool.runIfActive {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var result: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
                defer { freeaddrinfo(first) }
                var addresses: [String] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let info = cursor {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(
                        info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                        NI_NUMERICHOST) == 0
                    {
                        addresses.append(String(cString: buffer))
                    }
                    cursor = info.pointee.ai_next
                }
                return addresses
            }
        }
    }
}

extension Application {
    private struct WebhookResolverKey: StorageKey {
        typealias Value = WebhookAddresses.Resolver
    }

    /// How webhook hosts are resolved: the system's resolver unless replaced (tests).
    var webhookResolver: WebhookAddresses.Resolver {
        get { storage[WebhookResolverKey.self] ?? WebhookAddresses.system(threadPool) }
        set { storage[WebhookResolverKey.self] = newValue }
    }

    /// The check webhook addresses pass, with this deployment's settings.
    var webhookAddresses: WebhookAddresses {
        WebhookAddresses(resolve: webhookResolver, allowPrivate: guichetConfiguration.webhooksAllowPrivate)
    }
}
