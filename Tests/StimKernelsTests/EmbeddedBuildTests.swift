import Foundation
import StimTestSupport
import Testing

/// StimKernels imports nothing so firmware can compile it as Embedded Swift; this keeps that true.
@Suite struct EmbeddedBuildTests {
    static let swiftc: String? = {
        let environment = ProcessInfo.processInfo.environment
        let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/swiftc" }
        return ([environment["SWIFTC"]].compactMap { $0 } + onPath).first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test(.enabled(if: swiftc != nil, "no swiftc found (set SWIFTC)"),
          arguments: ["aarch64-none-none-elf", "armv7-none-none-eabi", "armv6-none-none-eabi"])
    func compilesAsEmbeddedSwift(target: String) throws {
        let sources = SharedData.repositoryRoot.appendingPathComponent("Sources/StimKernels")
        // Recursive: the kernels live in subfolders (Float/, Fixed/).
        let files = try #require(FileManager.default.subpaths(atPath: sources.path))
            .filter { $0.hasSuffix(".swift") }.map { sources.appendingPathComponent($0).path }
        #expect(files.count > 3)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("StimKernels-\(target)-\(UUID().uuidString).o")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Subprocess.capture(try #require(Self.swiftc), [
            "-target", target, "-enable-experimental-feature", "Embedded", "-wmo", "-parse-as-library", "-Osize",
            "-module-name", "StimKernels", "-c", "-o", out.path] + files)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.path))
    }
}
