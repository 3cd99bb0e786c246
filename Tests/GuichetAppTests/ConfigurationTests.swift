import Foundation
import GuichetDomain
import Testing

@testable import GuichetApp

/// Every environment variable is read in one place, and a value Guichet cannot use stops the start
/// with a message naming the variable — never a silent fallback.
@Suite struct ConfigurationTests {
    @Test func theDefaultsApplyWhenNothingIsSet() throws {
        let configuration = try AppConfiguration.fromEnvironment([:])
        #expect(configuration.bcryptCost == 12)
        #expect(configuration.maxUploadBytes == 20_000_000)
        #expect(configuration.loadDemoWhenEmpty)
        #expect(!configuration.secureCookies)
        #expect(configuration.trustedProxies.isEmpty)
        #expect(configuration.newStaffPassword == nil)
        #expect(configuration.fileStore == .files, "SQLite keeps files on disk")
        let postgres = try AppConfiguration.fromEnvironment(["DATABASE_URL": "postgres://u:p@127.0.0.1/guichet"])
        #expect(postgres.fileStore == .database, "instances sharing a PostgreSQL share its files")
        let chosen = try AppConfiguration.fromEnvironment([
            "DATABASE_URL": "postgres://u:p@127.0.0.1/guichet", "GUICHET_FILE_STORE": "files",
        ])
        #expect(chosen.fileStore == .files)
    }

    @Test func valuesInRangeAreRead() throws {
        let configuration = try AppConfiguration.fromEnvironment([
            "GUICHET_BCRYPT_COST": "10", "GUICHET_MAX_UPLOAD_MB": "50", "GUICHET_DOSSIER_QUOTA_MB": "200",
            "GUICHET_SESSION_IDLE_MINUTES": "30", "GUICHET_SESSION_MAX_HOURS": "8", "GUICHET_DB_POOL": "6",
            "GUICHET_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16", "GUICHET_LOAD_DEMO": "0",
            "GUICHET_SECURE_COOKIES": "1", "GUICHET_POSTGRES_PREPARED": "0",
            "GUICHET_OPERATOR_NAME": " DREETS Hauts-de-France ", "GUICHET_THEME": "neutre",
            "GUICHET_PUBLIC_URL": "https://guichet.exemple.fr", "GUICHET_NEW_PASSWORD": "une phrase de passe",
        ])
        #expect(configuration.bcryptCost == 10)
        #expect(configuration.maxUploadBytes == 50_000_000)
        #expect(configuration.dossierQuotaBytes == 200_000_000)
        #expect(configuration.sessionIdleSeconds == 1800)
        #expect(configuration.sessionMaxSeconds == 8 * 3600)
        #expect(configuration.databasePoolSize == 6)
        #expect(configuration.trustedProxies.count == 2)
        #expect(!configuration.loadDemoWhenEmpty)
        #expect(configuration.secureCookies)
        #expect(!configuration.postgresPreparedStatements)
        #expect(configuration.operatorName == "DREETS Hauts-de-France")
        #expect(configuration.theme == .neutral)
        #expect(try AppConfiguration.fromEnvironment([:]).theme == .state)
        #expect(try AppConfiguration.fromEnvironment([:]).postgresPreparedStatements)
        #expect(configuration.newStaffPassword == "une phrase de passe")
    }

    @Test(arguments: [
        ("GUICHET_BCRYPT_COST", "40"), ("GUICHET_BCRYPT_COST", "douze"), ("GUICHET_MAX_UPLOAD_MB", "0"),
        ("GUICHET_MAX_UPLOAD_MB", "500"),
        ("GUICHET_DOSSIER_QUOTA_MB", "-1"), ("GUICHET_SESSION_IDLE_MINUTES", "1"), ("GUICHET_SESSION_MAX_HOURS", "100"),
        ("GUICHET_DB_POOL", "64"), ("GUICHET_TRUSTED_PROXIES", "10.0.0.1, proxy.interne"), ("GUICHET_LOAD_DEMO", "non"),
        ("GUICHET_SECURE_COOKIES", "oui"), ("GUICHET_WEBHOOKS_ALLOW_PRIVATE", "true"),
        ("GUICHET_POSTGRES_PREPARED", "non"), ("GUICHET_THEME", "sombre"),
        ("GUICHET_OPERATOR_NAME", String(repeating: "x", count: 121)),
        ("GUICHET_OPERATOR_NAME", "Préfecture\nde l'Aisne"),
        ("GUICHET_PUBLIC_URL", "guichet.exemple.fr"),
        ("DATABASE_URL", "mysql://localhost/guichet"), ("GUICHET_FILE_STORE", "s3"),
    ])
    func aValueOutOfRangeStopsTheStartNamingItsVariable(variable: String, value: String) {
        #expect {
            _ = try AppConfiguration.fromEnvironment([variable: value])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == variable && error.description.hasPrefix("\(variable)=")
        }
    }
}
