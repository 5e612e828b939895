import Foundation
import StimTestSupport
import Testing

/// StimKernels imports nothing and StimFirmware only StimKernels, so firmware can compile them as Embedded Swift;
/// this keeps that true.
@Suite struct EmbeddedBuildTests {
    static let swiftc: String? = {
        let environment = ProcessInfo.processInfo.environment
        let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/swiftc" }
        return ([environment["SWIFTC"]].compactMap { $0 } + onPath).first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// StimKernels, then StimFirmware (the integer inference and its C API) against it, as devices/cross/run
    /// builds them; armv7 with the hard-float ABI of Pi OS 32-bit.
    @Test(.enabled(if: swiftc != nil, "no swiftc found (set SWIFTC)"),
          arguments: ["aarch64-none-none-elf", "armv7-none-none-eabi", "armv6-none-none-eabi"])
    func compilesAsEmbeddedSwift(target: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedded-\(target)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let flags = ["-target", target, "-enable-experimental-feature", "Embedded", "-wmo", "-parse-as-library", "-Osize"]
            + (target.hasPrefix("armv7") ? ["-Xcc", "-mfloat-abi=hard"] : [])
        let kernels = try Self.sources("StimKernels")
        #expect(kernels.count > 3)
        let built = try Subprocess.capture(try #require(Self.swiftc), flags + [
            "-module-name", "StimKernels", "-emit-module-path", folder.appendingPathComponent("StimKernels.swiftmodule").path,
            "-c", "-o", folder.appendingPathComponent("StimKernels.o").path] + kernels)
        #expect(built.status == 0, "\(built.stderr)")
        let firmware = try Self.sources("StimFirmware")
        #expect(firmware.count > 3)
        let result = try Subprocess.capture(try #require(Self.swiftc), flags + [
            "-I", folder.path, "-module-name", "StimFirmware", "-c", "-o", folder.appendingPathComponent("StimFirmware.o").path]
            + firmware)
        #expect(result.status == 0, "\(result.stderr)")
        for object in ["StimKernels.o", "StimFirmware.o"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(object).path))
        }
    }

    /// Every Swift file of a module, recursively: the kernels live in subfolders (Float/, Fixed/).
    static func sources(_ module: String) throws -> [String] {
        let folder = SharedData.repositoryRoot.appendingPathComponent("Sources/\(module)")
        return try #require(FileManager.default.subpaths(atPath: folder.path))
            .filter { $0.hasSuffix(".swift") }.map { folder.appendingPathComponent($0).path }
    }
}
