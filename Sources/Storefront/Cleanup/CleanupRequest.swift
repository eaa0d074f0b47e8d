package import GavelCore
import JSON
import SchedulerEvents

/// What starts a cleanup run: EventBridge's scheduled event (a real run), or `{"dryRun": true}` by hand.
package struct CleanupRequest: Sendable, Equatable {
    /// Count what would be deleted; delete nothing and leave any checkpoint alone.
    package var dryRun: Bool

    package init(dryRun: Bool = false) {
        self.dryRun = dryRun
    }

    /// - Throws: `ValidationError` for anything but those two shapes (an unknown field, a non-boolean dryRun).
    package static func parse(_ event: [UInt8]) throws(ValidationError) -> CleanupRequest {
        let text = String(decoding: event, as: UTF8.self)
        if let scheduled = try? JSONCoder.decode(ScheduledEvent.self, from: event),
            scheduled.detailType == ScheduledEvent.detailTypeName
        {
            return CleanupRequest()
        }
        let manual = try StrictJSON.decode(Manual.self, from: text, allowed: ["dryRun"])
        return CleanupRequest(dryRun: manual.dryRun ?? false)
    }

    private struct Manual: Decodable {
        var dryRun: Bool?
    }
}
