import GavelLocal
import Testing

@Suite struct LogBookTests {
    @Test func aFunctionShowsItsNewestKeptLinesInOrderAndOnlyItsOwn() {
        let book = LogBook()
        let written = LogBook.keptLines + LogBook.keptLines / 3
        for index in 1...written {
            book.append("api \(index)", of: "api")
            if index.isMultiple(of: 100) { book.append("cleanup \(index)", of: "cleanup") }
        }
        let lines = book.lines(of: "api")
        #expect(lines.count == LogBook.keptLines)
        #expect(lines.first?.text == "api \(written - LogBook.keptLines + 1)")
        #expect(lines.last?.text == "api \(written)")
        #expect(zip(lines, lines.dropFirst()).allSatisfy { $0.number < $1.number })
        #expect(
            book.lines(of: "cleanup").map(\.text)
                == stride(from: 100, through: written, by: 100).map { "cleanup \($0)" }
        )
        // A follower asks for what came after the last line it saw.
        #expect(book.lines(of: "api", after: lines[lines.count - 3].number).map(\.text) == lines.suffix(2).map(\.text))
        #expect(book.lines(of: "images").isEmpty)
    }
}
