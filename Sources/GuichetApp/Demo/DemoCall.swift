import Foundation
import GuichetDomain

/// What the demo needs to replay the seed's call: its reference, the file that defines it
/// (`calls/hdf-2021.json`, loaded like any administrator's call), and the facts of its history
/// that the press kit gives or that are simulated — when dossiers were instructed, when the
/// committee sat, the wave's total and the number of dossiers filed.
///
/// The press kit does not publish: the committee's day, when instruction ended, and every
/// individual amount; those are the demo's assumptions.
enum DemoCall {
    static let reference = "hdf-2021"
    /// The region the generated dossiers are in (the call's region, as its file says).
    static let regionCode = "32"

    static func day(_ iso: String) -> Date {
        guard let date = ParisTime.day(iso) else { preconditionFailure("demo date \(iso) is not a day") }
        return date
    }

    static let opensAt = day("2020-11-02")
    /// Dossiers were taken into account until 15 January 2021, end of day in Paris.
    static let closesAt = day("2021-01-16")
    static let reviewDone = day("2021-03-19")
    static let committeeDay = day("2021-04-09").addingTimeInterval(10 * 3600)
    static let wave1Day = day("2021-04-16")
    static let wave2Day = day("2021-06-01")

    /// The total granted to wave 1's 37 laureates, as the press kit states it.
    static let wave1TotalCents: Int64 = 4_400_000_00
    /// The number of dossiers filed in the region, as the press kit states it.
    static let filedInRegion = 287
}
