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
    case signUp
    case login
    case logout
    case confirmEmail
    case forgotPassword
    case resetPassword
    case account

    var path: String {
        switch self {
        case .home: "/"
        case .health: "/health"
        case .stylesheet: "/static/guichet.css"
        case .callResults(let reference): "/appels/\(reference)/resultats"
        case .apiCalls: "/api/v1/calls"
        case .apiCall(let id): "/api/v1/calls/\(id)"
        case .apiCallResults(let id): "/api/v1/calls/\(id)/results"
        case .signUp: "/inscription"
        case .login: "/connexion"
        case .logout: "/deconnexion"
        case .confirmEmail: "/confirmation"
        case .forgotPassword: "/mot-de-passe-oublie"
        case .resetPassword: "/mot-de-passe/nouveau"
        case .account: "/mon-espace"
        }
    }
}
