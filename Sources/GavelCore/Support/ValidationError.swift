/// Input Gavel refuses: a message, a request or a setting, with the field at fault and why.
///
/// `description` names the field and the rule, never the offending value, so it is safe to log and to
/// return to a caller.
package struct ValidationError: Error, CustomStringConvertible, Equatable {
    /// The field at fault (`amount`, `maxBid.currency`, `BIDS_HISTORY_TABLE`); nil for the input as a whole.
    package let field: String?
    package let message: String

    package init(field: String?, _ message: String) {
        self.field = field
        self.message = message
    }

    package var description: String { self.field.map { "\($0): \(self.message)" } ?? self.message }
}
