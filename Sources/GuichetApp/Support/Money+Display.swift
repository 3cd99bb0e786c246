import GuichetDomain

extension Money {
    /// An amount read from storage, shown the French way (`4 400 000 €`); a stored value out of
    /// range (never written by Guichet) shows as zero rather than failing a page.
    static func text(cents: Int64) -> String {
        ((try? Money(cents: cents)) ?? .zero).formatted()
    }
}
