/// One page of a listing, and the cursor of the next (nil on the last page).
///
/// The cursor is what the listing's store made from the last row's key (a sort key, a product id), never a
/// whole DynamoDB key, so a caller cannot steer a read into another partition with it.
package struct Page<Row: Sendable>: Sendable {
    package var items: [Row]
    package var nextCursor: String?

    package init(items: [Row], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
