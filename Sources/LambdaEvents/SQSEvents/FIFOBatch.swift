/// The FIFO rule for partial batch responses: once a message of a group fails, every later message of that
/// group in the batch is reported failed too, whatever happened to it, so SQS redelivers the group in
/// order. Other groups are unaffected.
package enum FIFOBatch {
    /// The batch response for `records`, given the ids of the messages that failed themselves.
    package static func response(for records: [SQSEvent.Record], failed: Set<String>) -> SQSBatchResponse {
        var blockedGroups: Set<String> = []
        var failures: [String] = []
        for record in records {
            if failed.contains(record.messageId) || blockedGroups.contains(record.groupId) {
                blockedGroups.insert(record.groupId)
                failures.append(record.messageId)
            }
        }
        return SQSBatchResponse(failedMessageIds: failures)
    }
}
