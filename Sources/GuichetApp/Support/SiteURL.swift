import Foundation

/// Every URL Guichet serves, shared by routes, views and tests.
enum SiteURL: Equatable {
    case home
    case health
    case stylesheet
    case callResults(String)
    case apiCalls
    case apiCall(String)
    case apiCallResults(String)

    var path: String {
        switch self {
        case .home: "/"
        case .health: "/health"
        case .stylesheet: "/static/guichet.css"
        case .callResults(let reference): "/appels/\(reference)/resultats"
        case .apiCalls: "/api/v1/calls"
        case .apiCall(let id): "/api/v1/calls/\(id)"
        case .apiCallResults(let id): "/api/v1/calls/\(id)/results"
        }
    }
}
