import Foundation

/// Writes granted subsidies as an SCDL « subventions » 2.1.1 CSV file.
///
/// Output: UTF-8 text, comma-separated, header in the schema's order, RFC 4180 quoting, LF line
/// ends (the SCDL examples use LF, and data.gouv.fr tools accept it).
///
/// Unlike ``CSV/write(_:)`` used for staff exports, cells are never « defused » with a leading
/// apostrophe against spreadsheet formulas: this file is open data, read by programs and
/// validated against a schema, and it must state exactly what the authority decided. An
/// apostrophe would change names and break patterns; guarding spreadsheets is the importer's job.
/// Validate the result with ``SCDLValidator`` before publishing: rendering does not check SIRET
/// keys, lengths or period order.
public enum SCDLSubventionsFile {
    /// The columns, in the schema's order; a test checks them against the bundled schema.json.
    public static let columns = [
        "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
        "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
        "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
    ]

    /// The whole file: header, then one line per subsidy, each line ending with LF.
    public static func csv(_ rows: [SCDLSubsidy]) -> String {
        ([columns] + rows.map(cells)).map { $0.map(quote).joined(separator: ",") + "\n" }.joined()
    }

    /// One subsidy's cells, in ``columns`` order; absent optional values are empty cells.
    public static func cells(_ row: SCDLSubsidy) -> [String] {
        [
            row.nomAttribuant, row.idAttribuant, row.dateConvention.iso, row.referenceDecision ?? "",
            row.nomBeneficiaire, row.idBeneficiaire ?? "", row.rnaBeneficiaire ?? "", row.objet,
            amount(cents: row.montantCents), row.nature.rawValue, row.conditionsVersement.text,
            row.datesPeriodeVersement.text, row.idRAE ?? "", row.notificationUE ? "oui" : "non",
            row.pourcentageSubvention.text, row.dispositifAide ?? "",
        ]
    }

    /// Euros with `.` and only the decimals needed: 150000 → `1500`, 150050 → `1500.5`,
    /// 150055 → `1500.55`.
    ///
    /// The schema's `number` type accepts any of these; trailing zeros carry no information.
    public static func amount(cents: Int64) -> String {
        let magnitude = cents.magnitude  // UInt64, so Int64.min does not overflow
        let euros = magnitude / 100
        let rest = magnitude % 100
        let sign = cents < 0 ? "-" : ""
        if rest == 0 { return "\(sign)\(euros)" }
        if rest % 10 == 0 { return "\(sign)\(euros).\(rest / 10)" }
        return "\(sign)\(euros).\(rest < 10 ? "0" : "")\(rest)"
    }

    /// RFC 4180 quoting: a cell with a comma, a double quote, CR or LF is wrapped in quotes and
    /// its quotes doubled; other cells are written as they are.
    public static func quote(_ cell: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character and would not match "\n".
        guard cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return cell
        }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
