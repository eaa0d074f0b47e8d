import AWS
import Catalog
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import Imaging
import LambdaRuntime
import Logging
import Storefront

#if canImport(Glibc)
import Glibc
#endif

/// `gavel-bench thumbnails <dir>`: writes a 12-megapixel JPEG and PNG into `dir` (for Pillow to read too)
/// and prints the median time to make the three thumbnails of each, in-process, release build.
func benchmarkThumbnails(directory: String) throws {
    let upright = TestImages.pattern(width: 4000, height: 3000)
    // A photo-like image: the four colours plus a gradient and noise, so the JPEG is not trivially small.
    var pixels = upright.pixels
    var seed: UInt32 = 7
    for index in pixels.indices {
        seed = seed &* 1_103_515_245 &+ 12_345
        pixels[index] = UInt8(truncatingIfNeeded: Int(pixels[index]) / 2 + (index / 3 % 4000) / 32 + Int(seed >> 28))
    }
    let photo = Bitmap(width: 4000, height: 3000, channels: 3, pixels: pixels)
    let files: [(ImageFormat, [UInt8])] = [
        (.jpeg, try TestImages.jpeg(photo, quality: 90)),
        (.png, try TestImages.png(photo)),
    ]
    let thumbnailer = Thumbnailer()
    print("| image (4000×3000) | bytes | our median, 3 sizes |")
    print("|---|---|---|")
    for (format, bytes) in files {
        let path = "\(directory)/bench-12mp.\(format == .jpeg ? "jpg" : "png")"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let milliseconds = measure(rounds: 7, count: 1) { _ = try? thumbnailer.thumbnails(of: bytes) } / 1e6
        print("| \(format.rawValue.uppercased()) | \(bytes.count) | \(String(Int(milliseconds.rounded()))) ms |")
    }
}

/// `gavel-bench thumbnail-rss <file>`: makes the thumbnails of one file once and prints the process's peak RSS
/// in KB — the figure a Lambda with this function's code would reach for that image.
func thumbnailPeakRSS(file: String) throws {
    // Read straight into one array, as S3.getObject hands the handler one: Data then [UInt8] would hold the
    // file twice (a 25 MB PNG measured 72 MB that way).
    guard let handle = fopen(file, "rb") else { throw MissingPrerequisite("cannot open \(file)") }
    defer { fclose(handle) }
    fseek(handle, 0, SEEK_END)
    let size = ftell(handle)
    fseek(handle, 0, SEEK_SET)
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = fread(buffer.baseAddress, 1, size, handle)
    }
    _ = try Thumbnailer().thumbnails(of: bytes)
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print(usage.ru_maxrss)
}

/// User plus system CPU time of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec
    ) / 1e6
}

/// `gavel-bench storefront`: orders per second through OrderValidationHandler and items deleted per second by
/// CleanupHandler, against the harness's moto on loopback.
func benchmarkStorefront() async throws {
    let fixture = try await StorefrontFixture.make()
    let aws = try AWSClients(environment: fixture.environment, transport: Moto.transport)
    let metrics = Metrics(function: "bench") { _ in }
    let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    try await fixture.put(
        (0..<10).map {
            Product(
                productId: "p-\($0)",
                vendorId: "v-\($0 % 3)",
                name: "Product \($0)",
                price: 12_50,
                currency: "EUR",
                stock: 1_000_000
            )
        }
    )
    let orders = try OrderValidationHandler(environment: fixture.environment, aws: aws, metrics: metrics)
    print("| storefront against moto (loopback) | figure |")
    print("|---|---|")
    for concurrency in [1, 8] {
        let count = 60
        let start = nowNs()
        let cpuStart = processCPUSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: count, by: concurrency) {
                        let event =
                            #"{"userId":"u-\#(index)","items":[{"productId":"p-\#(index % 10)","quantity":1},{"productId":"p-\#((index + 1) % 10)","quantity":2}]}"#
                        guard case .order = try await orders.validate(Array(event.utf8), logger: logger) else {
                            throw MissingPrerequisite("an order was refused")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(nowNs() - start) / 1e9
        let cpu = (processCPUSeconds() - cpuStart) / Double(count) * 1000
        print(
            "| orders per second, 2 lines each, \(concurrency) at a time (\(count) orders) | \(String(Double(Int(Double(count) / seconds * 10)) / 10)) |"
        )
        print(
            "| our CPU per order (handler, JSON, signing, curl; not moto), \(concurrency) at a time | \(String(Double(Int(cpu * 100)) / 100)) ms |"
        )
    }

    let dynamo = try fixture.dynamo()
    let old = WallClock.nowMs() - 200 * 86_400_000
    let items: [[String: AttributeValue]] = (0..<10_000).map {
        ["product_id": .s("p-\($0 % 50)"), "timestamp": .n(String(old + Int64($0)))]
    }
    try await dynamo.batchWrite(table: fixture.analyticsTable, items.map { .put($0) })
    let cleanup = try CleanupHandler(environment: fixture.environment, aws: aws, metrics: metrics)
    let start = nowNs()
    let report = try await cleanup.run(CleanupRequest(), deadline: .now + .seconds(600), logger: logger)
    let seconds = Double(nowNs() - start) / 1e9
    print(
        "| cleanup: items deleted per second (10,000 expired Analytics items, 4 segments) | \(Int(Double(report.analytics.deleted) / seconds)) |"
    )
}
